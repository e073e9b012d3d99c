"""Schema migrations (sqlite-utils ``Migrations``; names are stable, never renamed).

Add a new function with the next number; never edit one that has shipped.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from .db import transaction

migrations = Migrations("vagval")


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    """Tables for the walking skeleton: set-up, rounds, participants, votes, audit."""
    for sql in _INITIAL:
        db.execute(sql)


_INITIAL = [
    """CREATE TABLE municipalities (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        population INTEGER CHECK (population IS NULL OR population >= 0)
    )""",
    """CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'facilitator', 'secretariat')),
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )""",
    # Server-side login sessions: logout deletes the row, so a replayed cookie is dead.
    """CREATE TABLE user_sessions (
        id TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        last_seen TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )""",
    """CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
        is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )""",
    """CREATE TABLE criteria (
        id INTEGER PRIMARY KEY,
        decision_id INTEGER NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        direction TEXT NOT NULL DEFAULT 'benefit' CHECK (direction IN ('benefit', 'cost')),
        position INTEGER NOT NULL DEFAULT 0,
        UNIQUE (decision_id, name)
    )""",
    """CREATE TABLE alternatives (
        id INTEGER PRIMARY KEY,
        decision_id INTEGER NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        municipality_id INTEGER REFERENCES municipalities(id),
        cost REAL CHECK (cost IS NULL OR cost >= 0),
        earliest_phase INTEGER CHECK (earliest_phase IS NULL OR earliest_phase >= 1),
        position INTEGER NOT NULL DEFAULT 0,
        UNIQUE (decision_id, name)
    )""",
    """CREATE TABLE scores (
        alternative_id INTEGER NOT NULL REFERENCES alternatives(id) ON DELETE CASCADE,
        criterion_id INTEGER NOT NULL REFERENCES criteria(id) ON DELETE CASCADE,
        value REAL NOT NULL,
        PRIMARY KEY (alternative_id, criterion_id)
    )""",
    """CREATE TABLE rounds (
        id INTEGER PRIMARY KEY,
        decision_id INTEGER NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
        number INTEGER NOT NULL DEFAULT 1,
        title TEXT NOT NULL DEFAULT '',
        join_code TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'open', 'closed')),
        methods TEXT NOT NULL DEFAULT '["direct","points","ranking","pairwise"]',
        results_revealed INTEGER NOT NULL DEFAULT 0 CHECK (results_revealed IN (0, 1)),
        anonymity_k INTEGER NOT NULL DEFAULT 3 CHECK (anonymity_k >= 1),
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        opened_at TEXT,
        closed_at TEXT,
        UNIQUE (decision_id, number)
    )""",
    """CREATE TABLE participants (
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL,
        municipality_id INTEGER NOT NULL REFERENCES municipalities(id),
        role TEXT CHECK (role IS NULL OR role IN
            ('fortroendevald', 'tjansteperson', 'forskare', 'annan')),
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        UNIQUE (round_id, token_hash)
    )""",
    # Append-only: a revision is a new row; the highest revision per participant counts.
    """CREATE TABLE votes (
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
        participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        method TEXT NOT NULL CHECK (method IN ('direct', 'points', 'ranking', 'pairwise')),
        payload TEXT NOT NULL,
        weights TEXT NOT NULL,
        consistency_ratio REAL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        UNIQUE (participant_id, revision)
    )""",
    "CREATE INDEX votes_round ON votes(round_id, participant_id, revision)",
    """CREATE TRIGGER votes_append_only BEFORE UPDATE ON votes
        BEGIN SELECT RAISE(ABORT, 'votes are append-only'); END""",
    """CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )""",
]


@migrations(name="0002_round_records")
def m0002_round_records(db: Database) -> None:
    """The aggregated decision record kept when a round's individual votes are deleted."""
    db.execute(
        """CREATE TABLE round_records (
            round_id INTEGER PRIMARY KEY REFERENCES rounds(id) ON DELETE CASCADE,
            votes_deleted INTEGER NOT NULL,
            record TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT 'facilitator'
                CHECK (reason IN ('facilitator', 'retention')),
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        )"""
    )


@migrations(name="0003_throttle")
def m0003_throttle(db: Database) -> None:
    """Login and join-code failures, shared by every worker process (store/throttle.py).

    ``key`` is an HMAC of the e-mail/IP/participant token, never the value in clear.
    """
    db.execute(
        """CREATE TABLE throttle_events (
            scope TEXT NOT NULL,
            key TEXT NOT NULL,
            at REAL NOT NULL
        )"""
    )
    db.execute("CREATE INDEX throttle_events_key ON throttle_events(scope, key, at)")
    db.execute("CREATE INDEX throttle_events_at ON throttle_events(scope, at)")


# --- growth phases (set "vagval-phases"; names kept, so existing databases apply nothing twice)

phase_migrations = Migrations("vagval-phases")


@phase_migrations(name="0001_phases")
def m0001_phases(db: Database) -> None:
    """Phases per decision, prerequisites between alternatives, planning rules per decision."""
    for sql in (
        """CREATE TABLE phases (
            id INTEGER PRIMARY KEY,
            decision_id INTEGER NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            period TEXT NOT NULL DEFAULT '',
            budget REAL NOT NULL CHECK (budget >= 0),
            UNIQUE (decision_id, name)
        )""",
        "CREATE INDEX phases_decision ON phases(decision_id, position)",
        """CREATE TABLE prerequisites (
            alternative_id INTEGER NOT NULL REFERENCES alternatives(id) ON DELETE CASCADE,
            requires_id INTEGER NOT NULL REFERENCES alternatives(id) ON DELETE CASCADE,
            PRIMARY KEY (alternative_id, requires_id),
            CHECK (alternative_id != requires_id)
        )""",
        """CREATE TABLE phase_settings (
            decision_id INTEGER PRIMARY KEY REFERENCES decisions(id) ON DELETE CASCADE,
            min_one_by_phase INTEGER CHECK (min_one_by_phase IS NULL OR min_one_by_phase >= 1),
            max_share REAL CHECK (max_share IS NULL OR (max_share > 0 AND max_share <= 1)),
            discount REAL NOT NULL DEFAULT 0 CHECK (discount >= 0 AND discount <= 1),
            compare_groups TEXT NOT NULL DEFAULT '[]'
        )""",
    ):
        db.execute(sql)


@phase_migrations(name="0002_phase_weights")
def m0002_phase_weights(db: Database) -> None:
    """Per-phase weights: a round flag and the phase a vote is for (NULL = a normal vote).

    Votes stay append-only and keep UNIQUE(participant_id, revision): every submission, for
    any phase, takes the participant's next revision; the latest per (participant, phase)
    counts.
    """
    for sql in (
        "ALTER TABLE rounds ADD COLUMN phase_weights INTEGER NOT NULL DEFAULT 0 "
        "CHECK (phase_weights IN (0, 1))",
        "ALTER TABLE votes ADD COLUMN phase_id INTEGER REFERENCES phases(id)",
        "CREATE INDEX votes_round_phase ON votes(round_id, phase_id, participant_id, revision)",
    ):
        db.execute(sql)


# --- Vägval scenarios (set "vagval-scenarios", issue 15) -----------------------------------

scenario_migrations = Migrations("vagval-scenarios")


@scenario_migrations(name="0001_scenarios")
def m0001_scenarios(db: Database) -> None:
    """Scenarios per decision: name and the assumptions as JSON (the analysis format's
    ``Scenario`` shape, ``mcda.store.scenarios``)."""
    for sql in (
        """CREATE TABLE scenarios (
            id INTEGER PRIMARY KEY,
            decision_id INTEGER NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            spec TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            UNIQUE (decision_id, name)
        )""",
        "CREATE INDEX scenarios_decision ON scenarios(decision_id, position)",
    ):
        db.execute(sql)


# --- reasons with votes (set "vagval-reasons", issue 14) ------------------------------------

reason_migrations = Migrations("vagval-reasons")


@reason_migrations(name="0001_vote_reasons")
def m0001_vote_reasons(db: Database) -> None:
    """"Varför?": an optional short text per vote revision, and the facilitator's hide flag.

    The text lives in its own table keyed to the vote row (votes stay append-only, so every
    revision keeps its own reason); ``hidden`` is the only mutable part. Deleted with the
    votes (``store.votes.delete_round_votes``).
    """
    for sql in (
        """CREATE TABLE vote_reasons (
            vote_id INTEGER PRIMARY KEY REFERENCES votes(id) ON DELETE CASCADE,
            round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
            text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
            hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1))
        )""",
        "CREATE INDEX vote_reasons_round ON vote_reasons(round_id)",
    ):
        db.execute(sql)


@reason_migrations(name="0002_round_show_alternatives")
def m0002_round_show_alternatives(db: Database) -> None:
    """What participants see of the alternatives (issue 14): nothing, names and descriptions,
    or those with the scores. A round setting the facilitator changes from the round page."""
    db.execute(
        "ALTER TABLE rounds ADD COLUMN show_alternatives TEXT NOT NULL DEFAULT 'none' "
        "CHECK (show_alternatives IN ('none', 'names', 'scores'))"
    )


# --- the decision's model (set "vagval-model", issue 23) -----------------------------------

model_migrations = Migrations("vagval-model")


@model_migrations(name="0001_decision_model")
def m0001_decision_model(db: Database) -> None:
    """One ranking model per decision (``value`` = the additive value model, the default) with
    the reason when another is chosen, and an optional unit per criterion (set-up form).

    The allowed model ids are checked in Python (``store.decisions.set_decision_model``) so a
    new method needs no table rebuild."""
    for sql in (
        "ALTER TABLE decisions ADD COLUMN model TEXT NOT NULL DEFAULT 'value'",
        "ALTER TABLE decisions ADD COLUMN model_reason TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE criteria ADD COLUMN unit TEXT NOT NULL DEFAULT ''",
    ):
        db.execute(sql)


# --- places: locations, venues, computed reach (set "vagval-places", issue 28) ---------------

places_migrations = Migrations("vagval-places")


@places_migrations(name="0001_places")
def m0001_places(db: Database) -> None:
    """An alternative's point (WGS 84) and kind of venue; the region's existing cultural
    venues (one current-state picture per installation); and the criteria whose scores
    Vägval computes, with how they were computed (method, layer, per-alternative figures)."""
    kinds = "('bibliotek', 'scen', 'museum', 'biograf', 'kulturskola', 'konsthall', 'annat')"
    for sql in (
        f"""CREATE TABLE alternative_places (
            alternative_id INTEGER PRIMARY KEY REFERENCES alternatives(id) ON DELETE CASCADE,
            lon REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
            lat REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
            kind TEXT CHECK (kind IS NULL OR kind IN {kinds}),
            CHECK ((lon IS NULL) = (lat IS NULL))
        )""",
        f"""CREATE TABLE venues (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN {kinds}),
            municipality_id INTEGER REFERENCES municipalities(id) ON DELETE SET NULL,
            lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
            lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            UNIQUE (name, kind)
        )""",
        """CREATE TABLE computed_criteria (
            criterion_id INTEGER PRIMARY KEY REFERENCES criteria(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('reach')),
            provenance TEXT NOT NULL DEFAULT '{}',
            computed_at TEXT
        )""",
    ):
        db.execute(sql)
# --- records management (set "vagval-records", issue 26) ----------------------------------

records_migrations = Migrations("vagval-records")


@records_migrations(name="0001_diarienummer")
def m0001_diarienummer(db: Database) -> None:
    """The authority's registration number of the matter (optional, printed on every output;
    checked in ``store.filing``)."""
    db.execute("ALTER TABLE decisions ADD COLUMN diarienummer TEXT NOT NULL DEFAULT ''")


@records_migrations(name="0002_archive_packages")
def m0002_archive_packages(db: Database) -> None:
    """The latest archive package (E-ARK ZIP) of each round, kept so a download after closing
    costs nothing; rebuilt on demand. ``sha256`` is the ZIP's own checksum."""
    db.execute(
        """CREATE TABLE archive_packages (
            round_id INTEGER PRIMARY KEY REFERENCES rounds(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            trigger TEXT NOT NULL CHECK (trigger IN ('close', 'demand')),
            file_name TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            data BLOB NOT NULL
        )"""
    )

# --- two kinds of round; results shown only for a closed round (set "vagval-round-kind",
# issue 24) ------------------------------------------------------------------------------------

round_kind_migrations = Migrations("vagval-round-kind")


@round_kind_migrations(name="0001_round_kind")
def m0001_round_kind(db: Database) -> None:
    """The kind of round (``core.disclosure``): 'anonymous' (groups under k pooled) or
    'delegates' (each municipality's combined weights by name). Rounds made before are
    anonymous, the rule they were voted under. ``shown_partition``: the pooling the results
    were first shown to participants with (JSON), so a reopened round cannot change it
    unseen. Results are shown to participants only for a closed round: an open round that
    shows them stops doing so (issue 24, A2)."""
    for sql in (
        "ALTER TABLE rounds ADD COLUMN kind TEXT NOT NULL DEFAULT 'anonymous' "
        "CHECK (kind IN ('anonymous', 'delegates'))",
        "ALTER TABLE rounds ADD COLUMN shown_partition TEXT",
        "UPDATE rounds SET results_revealed = 0 WHERE state != 'closed'",
    ):
        db.execute(sql)


# --- what happened next (set "vagval-outcome", issue 26 point 5) ----------------------------

outcome_migrations = Migrations("vagval-outcome")


@outcome_migrations(name="0001_outcomes")
def m0001_outcomes(db: Database) -> None:
    """"Vad hände sedan?": what the decision-making body decided after the workshop, one row
    per decision (``mcda.store.outcomes``). ``round_id`` names the round whose verdict it is
    compared with; ``chosen_id`` the alternative the body put first (NULL: none of them), and
    ``differs_reason`` why it differs from the verdict (checked in Python, where the verdict
    is known)."""
    db.execute(
        """CREATE TABLE outcomes (
            decision_id INTEGER PRIMARY KEY REFERENCES decisions(id) ON DELETE CASCADE,
            round_id INTEGER REFERENCES rounds(id) ON DELETE SET NULL,
            text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
            decided_on TEXT NOT NULL,
            body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 200),
            minutes_url TEXT NOT NULL DEFAULT '',
            diarienummer TEXT NOT NULL DEFAULT '',
            chosen_id INTEGER REFERENCES alternatives(id) ON DELETE SET NULL,
            differs_reason TEXT NOT NULL DEFAULT '',
            updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        )"""
    )


# --- the do-nothing reference (set "vagval-reference", issue 27) -------------------------------

reference_migrations = Migrations("vagval-reference")


@reference_migrations(name="0001_decision_reference")
def m0001_decision_reference(db: Database) -> None:
    """The do-nothing levels a facilitator entered, per decision and criterion (a criterion
    without a row takes its worst level among the alternatives: ``mcda.core.reference``)."""
    db.execute(
        """CREATE TABLE decision_reference (
            decision_id INTEGER NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
            criterion_id INTEGER NOT NULL REFERENCES criteria(id) ON DELETE CASCADE,
            level REAL NOT NULL,
            PRIMARY KEY (decision_id, criterion_id)
        )""")


def migration_sets() -> list[Migrations]:
    """Every migration set, in the order they apply."""
    return [migrations, phase_migrations, scenario_migrations, reason_migrations,
            model_migrations, places_migrations, records_migrations, outcome_migrations,
            round_kind_migrations, reference_migrations]


def migrate(db: Database) -> None:
    """Apply pending migrations inside one ``BEGIN IMMEDIATE`` transaction (idempotent)."""
    with transaction(db):
        for mset in migration_sets():
            mset.apply(db)
