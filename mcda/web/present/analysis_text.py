"""The analysis in words: the one place where core's labels and summary items become text.

Core returns keys and figures (``{"kind": "verdict", "params": {...}}``, S* levels such as
``"moderate"``, silhouette strengths such as ``"strong"``); this module turns them into
Swedish or English through the translation catalog, so that the results page, the projector,
the report and the CLI say the same sentence. :func:`summary_sentences` takes a ``gettext``
callable, so the CLI can use it with Babel's catalog outside a request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask_babel import gettext as _flask_gettext

from mcda.store.numbers import format_decimal_text


def N_(msgid: str) -> str:  # noqa: N802 - Babel's marker for a message translated later
    return msgid


Gettext = Callable[[str], str]

S_STAR_LEVELS = {
    "very_high": N_("mycket hög"),
    "high": N_("hög"),
    "moderate": N_("måttlig"),
    "low": N_("låg"),
    "very_low": N_("mycket låg"),
}
STRENGTHS = {
    "strong": N_("stark"),
    "reasonable": N_("rimlig"),
    "weak": N_("svag"),
    "none": N_("ingen tydlig"),
}
# core's Swedish label → key, for results that carry only the Swedish text
_SV_TO_KEY = {**{v: ("s_star", k) for k, v in S_STAR_LEVELS.items()},
              **{v: ("strength", k) for k, v in STRENGTHS.items()}}
_EN_S_STAR = {"very high": "very_high", "high": "high", "moderate": "moderate", "low": "low",
              "very low": "very_low"}

NUMBER_WORDS = {2: N_("två"), 3: N_("tre"), 4: N_("fyra"), 5: N_("fem"), 6: N_("sex"),
                7: N_("sju"), 8: N_("åtta")}

SECTION_TITLES = {
    "sec-participation": N_("Deltagande"),
    "sec-consensus": N_("Konsensus"),
    "sec-conflicts": N_("Målkonflikter"),
    "sec-coalitions": N_("Koalitioner"),
    "sec-ranking": N_("Rangordning"),
    "sec-sensitivity": N_("Känslighet"),
}


class _Lang:
    """A gettext callable that also knows its language (for decimal commas and "55 %")."""

    def __init__(self, gettext: Gettext | None, lang: str | None) -> None:
        self.gettext = gettext or _flask_gettext
        if lang is None:
            from flask_babel import get_locale

            lang = str(get_locale() or "sv")
        self.lang = lang

    def __call__(self, msgid: str) -> str:
        return self.gettext(msgid)


def _gt(gettext: Gettext | None, lang: str | None = None) -> _Lang:
    return gettext if isinstance(gettext, _Lang) else _Lang(gettext, lang)


def core_label(kind: str, value: Any, gettext: Gettext | None = None) -> str:
    """A label core returns (``kind`` ``"s_star"`` or ``"strength"``), in the request's
    language. ``value``: the key (``"moderate"``), core's ``{sv, en}`` pair, or its Swedish or
    English text; anything unknown is returned unchanged."""
    t = _gt(gettext)
    table = S_STAR_LEVELS if kind == "s_star" else STRENGTHS
    if isinstance(value, Mapping):
        value = value.get("en") or value.get("sv")
    if value is None:
        return "–"
    key = str(value)
    if key in _SV_TO_KEY and _SV_TO_KEY[key][0] == kind:
        key = _SV_TO_KEY[key][1]
    key = _EN_S_STAR.get(key, key) if kind == "s_star" else key
    return t(table[key]) if key in table else str(value)


def _lang_of(gettext: Gettext) -> str:
    return getattr(gettext, "lang", "sv")


def pct(x: float | None, gettext: Gettext, digits: int = 0) -> str:
    """A share as a percentage the way the pages' charts write it ("55 %", "55,5 %")."""
    if x is None:
        return "–"
    return num(x * 100, gettext, digits) + " %"


def num(x: float | None, gettext: Gettext, digits: int = 2) -> str:
    if x is None:
        return "–"
    return format_decimal_text(x, digits, locale=_lang_of(gettext))


def join(names: Sequence[str], gettext: Gettext) -> str:
    """"A, B och C" / "A, B and C"."""
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " " + gettext("och") + " " + names[-1]


def _count_word(n: int, gettext: Gettext) -> str:
    return gettext(NUMBER_WORDS[n]) if n in NUMBER_WORDS else str(n)


_T = _Lang  # the renderers below take the language-aware gettext


def _spread_hidden(p: Mapping[str, Any], t: _T) -> str:
    return t.gettext(
        "Hur eniga deltagarna är om varje kriterium visas inte: spridningen är dold, färre "
        "än %(n)s röster.") % {"n": p.get("min_values") or 10}


def _agreement(p: Mapping[str, Any], t: _T) -> tuple[str, str]:
    crits = p.get("criteria") or []
    if p.get("spread_hidden") or not crits or crits[0].get("sd") is None:
        text = _spread_hidden(p, t)
    else:
        text = t.gettext(
            "Rummet är mest enigt om %(criteria)s: där skiljer sig deltagarnas vikter minst "
            "(spridning %(sd)s procentenheter)."
        ) % {"criteria": join([c["name"] for c in crits], t),
             "sd": num(crits[0]["sd"] * 100, t, 1)}
    if p.get("s_star") is not None:
        text += " " + t.gettext("Den samlade enigheten (S*) är %(s)s, %(level)s.") % {
            "s": pct(p["s_star"], t), "level": core_label("s_star", p.get("level"), t)}
    basis = t.gettext(
        "Grund: standardavvikelsen i deltagarnas vikter per kriterium och Goepels S* över "
        "alla deltagare."
    )
    return text, basis


def _side(names: Sequence[str], more: int, t: _T) -> str:
    if more:
        return t.gettext("%(names)s och %(n)s till") % {"names": ", ".join(names), "n": more}
    return join(names, t)


_DISPUTED_BASIS = N_(
    "Grund: andel av variansen i vikterna som ligger mellan kommunerna (från 30 %% räknas "
    "kriteriet som omstritt)."
)
_HIDDEN_NOTE = N_("%(n)s kommuner under anonymitetsgränsen räknas men namnges inte.")
_COALITION_BASIS = N_(
    "Grund: klustring av kommunernas vikter; silhuett %(s)s (0–1, högre = tydligare grupper)."
)


def _conflict(p: Mapping[str, Any], t: _T) -> tuple[str, str]:
    high, low = list(p.get("high") or []), list(p.get("low") or [])
    args = {"criterion": p.get("name"), "share": pct(p.get("between_share"), t),
            "high": _side(high, p.get("more_high") or 0, t),
            "low": _side(low, p.get("more_low") or 0, t)}
    if high and low:
        msg = t.gettext("Målkonflikt om %(criterion)s: %(high)s vill ge det högre vikt; "
                        "%(low)s vill ge det lägre.")
    elif high:
        msg = t.gettext("Målkonflikt om %(criterion)s: %(high)s vill ge det högre vikt än "
                        "övriga.")
    elif low:
        msg = t.gettext("Målkonflikt om %(criterion)s: %(low)s vill ge det lägre vikt än "
                        "övriga.")
    else:
        msg = t.gettext("Målkonflikt om %(criterion)s: kommunerna drar åt olika håll.")
    text = msg % args + " " + t.gettext(
        "%(share)s av skillnaderna i vikt ligger mellan kommunerna, inte inom dem.") % args
    if p.get("hidden"):
        text += " " + t(_HIDDEN_NOTE) % {"n": p["hidden"]}
    return text, t(_DISPUTED_BASIS) % {}


def _no_conflict(p: Mapping[str, Any], t: _T) -> tuple[str, str]:
    text = t.gettext("Inget kriterium är tydligt omstritt mellan kommunerna: skillnaderna "
                     "finns snarare inom kommunerna.")
    return text, t(_DISPUTED_BASIS) % {}


def _coalitions(p: Mapping[str, Any], t: _T) -> tuple[str, str]:
    clusters = p.get("clusters") or []
    groups = "; ".join(f"({i}) {join(c, t)}" for i, c in enumerate(clusters, start=1))
    text = t.gettext(
        "Kommunerna bildar %(n)s grupper med liknande vikter: %(groups)s. Grupperingen är "
        "%(strength)s."
    ) % {"n": _count_word(len(clusters), t), "groups": groups,
         "strength": core_label("strength", p.get("strength"), t)}
    if p.get("hidden"):
        text += " " + t(_HIDDEN_NOTE) % {"n": p["hidden"]}
    return text, t(_COALITION_BASIS) % {"s": num(p.get("silhouette"), t)}


def _no_comparison(p: Mapping[str, Any], t: _T) -> tuple[str, str]:
    groups = list(p.get("groups") or [])
    text = t.gettext("Kommunerna kan inte jämföras: resultaten visar bara en grupp, "
                     "%(group)s.") % {"group": join(groups, t) or "–"}
    return text, t.gettext("Grund: antal grupper som visas (kommuner med namn och ”Övriga "
                           "kommuner”); minst två behövs för en jämförelse.")


def _few_groups(p: Mapping[str, Any], t: _T) -> tuple[str, str]:
    text = t.gettext("Koalitioner visas inte: de kräver minst tre grupper att jämföra (kommuner "
                     "med namn eller Övriga kommuner).")
    return text, t.gettext("Grund: antal grupper som visas (kommuner med namn och ”Övriga "
                           "kommuner”); klustring kräver minst tre.")


def _no_coalitions(p: Mapping[str, Any], t: _T) -> tuple[str, str]:
    text = t.gettext("Kommunerna bildar inga tydliga grupper: deras viktprofiler glider över "
                     "i varandra.")
    return text, t(_COALITION_BASIS) % {"s": num(p.get("silhouette"), t)}


def _verdict(p: Mapping[str, Any], t: _T) -> tuple[str, str]:
    """The summary's verdict item (``core.summary``: the verdict block's four parts) in the
    same sentences as the main views."""
    def name(x: Mapping[str, Any] | None) -> str | None:
        return None if x is None else str(x.get("name"))

    first = name(p.get("first")) or ""
    fl = p.get("flip")
    model = p.get("model") or {}
    v = {
        "first": first, "runner_up": name(p.get("runner_up")),
        "order": [{"name": first}] + [{"name": name(a)} for a in p.get("following") or []],
        "tied": [name(a) for a in p.get("tied") or []],
        "share_first": p.get("share"), "methods_agree": p.get("methods_agree"),
        "methods_of": p.get("n_methods"), "explain": p.get("explain"),
        "share_leader": p.get("share_leader"),
        "model_id": model.get("id"), "model_sv": model.get("name_sv"),
        "model_en": model.get("name_en"),
        "flip": None if not fl else {"criterion": fl["criterion"]["name"],
                                     "points": fl.get("points"),
                                     "direction": fl.get("direction")},
    }
    text = " ".join(verdict_lines(v, t))
    basis = t.gettext("Grund: beslutets modell, %(model)s, med regionens vikter; andelen räknas "
                      "över %(n)s viktningar, en per deltagare.") % {
        "model": model_name(v, t), "n": p.get("n_weightings") or 0}
    return text, basis


def _coverage(p: Mapping[str, Any], t: _T) -> tuple[str, str]:
    if p.get("pooled"):  # core.disclosure: which municipalities did not vote is not stated
        text = t.gettext("%(n)s deltagare har viktat. Kommuner med färre deltagare än "
                         "anonymitetsgränsen räknas tillsammans som ”Övriga kommuner” och "
                         "namnges inte.") % {"n": p.get("n_participants")}
    else:
        text = t.gettext("%(voted)s av %(all)s kommuner har viktat, %(n)s deltagare totalt.") % {
            "voted": p.get("n_voted"), "all": p.get("n_groups"), "n": p.get("n_participants")}
    if p.get("without_votes"):
        text += " " + t.gettext("Inga viktningar från %(names)s.") % {
            "names": join(p["without_votes"], t)}
    if p.get("n_hidden"):
        text += " " + t.gettext("%(h)s kommuner har färre deltagare än anonymitetsgränsen och "
                                "visas inte var för sig.") % {"h": p["n_hidden"]}
    if p.get("k"):
        basis = t.gettext("Grund: antal som viktat per kommun; anonymitetsgräns k = %(k)s.") % {
            "k": p["k"]}
    else:
        basis = t.gettext("Grund: antal som viktat per kommun.")
    return text, basis


_RENDER = {"agreement": _agreement, "conflict": _conflict, "no_conflict": _no_conflict,
           "coalitions": _coalitions, "no_coalitions": _no_coalitions, "verdict": _verdict,
           "coverage": _coverage, "no_comparison": _no_comparison, "few_groups": _few_groups}


def summary_sentences(items: Sequence[Mapping[str, Any]], gettext: Gettext | None = None,
                      lang: str | None = None) -> list[dict[str, Any]]:
    """Each summary item (``mcda.core.summary``) as ``{kind, text, basis, anchor, section}``
    in the request's language (or in ``lang`` with ``gettext``, e.g. Babel's catalog in the
    CLI). Unknown kinds are left out."""
    t = _gt(gettext, lang)
    out = []
    for it in items:
        render = _RENDER.get(it.get("kind"))
        if render is None:
            continue
        text, basis = render(it.get("params") or {}, t)
        anchor = it.get("anchor")
        out.append({"kind": it["kind"], "text": text, "basis": basis, "anchor": anchor,
                    "section": t(SECTION_TITLES[anchor]) if anchor in SECTION_TITLES else ""})
    return out


# --- The verdict in plain words (issue 23): main views never name a method's acronym. ---

_PLAIN_KINDS = ("conflict", "no_conflict", "coalitions", "no_coalitions", "agreement",
                "no_comparison", "few_groups")


def model_name(v: Mapping[str, Any], gettext: Gettext | None = None) -> str:
    """The decision's model in plain words, in the reader's language."""
    t = _gt(gettext)
    name = v.get("model_en") if _lang_of(t) == "en" else v.get("model_sv")
    if name:
        return str(name)
    if v.get("model_id") in (None, "value"):
        return t.gettext("Viktad summa av värden (additiv värdemodell)")
    return t.gettext("en sammanvägning av flera rangordningsmetoder")


def verdict_lines(v: Mapping[str, Any], gettext: Gettext | None = None,
                  lang: str | None = None) -> list[str]:
    """The verdict as sentences: what comes first and what follows, how sure, what would
    change it and what the other methods say (``analysis_sections.verdict_plain``)."""
    t = _gt(gettext, lang)
    first = v["first"]
    follow = [o["name"] for o in v.get("order") or [] if o["name"] != first][:3]
    lines = [t.gettext("%(first)s kommer först.") % {"first": first}]
    if follow:
        lines[0] += " " + t.gettext("Därefter följer %(names)s.") % {"names": join(follow, t)}
    share = v.get("share_first")
    if share is not None and v.get("named_only"):  # a small pool's voters are not counted
        lines.append(t.gettext("%(first)s kommer först med %(share)s av viktningarna i de "
                               "namngivna kommunerna.") % {"first": first,
                                                            "share": pct(share, t)})
    elif share is not None:
        lines.append(t.gettext("%(first)s kommer först med %(share)s av deltagarnas "
                               "viktningar.") % {"first": first, "share": pct(share, t)})
    lines.extend(explain_lines(v, t))
    flip, rival = v.get("flip"), v.get("runner_up")
    if flip and rival:
        args = {"criterion": flip["criterion"], "rival": rival,
                "pp": num(flip.get("points"), t, 0 if (flip.get("points") or 0) >= 1 else 1)}
        if flip.get("direction") == "down":
            msg = t.gettext("Om %(criterion)s vägde %(pp)s procentenheter mindre skulle "
                            "%(rival)s komma först.")
        else:
            msg = t.gettext("Om %(criterion)s vägde %(pp)s procentenheter mer skulle "
                            "%(rival)s komma först.")
        lines.append(msg % args)
    elif rival:
        lines.append(t.gettext("Ingen ändring av en enskild vikt i regionen sätter %(rival)s "
                               "först.") % {"rival": rival})
    of, agree = v.get("methods_of"), v.get("methods_agree")
    if of and agree:
        lines.append(t.gettext("%(agree)s av %(of)s andra metoder sätter också %(first)s "
                               "först.") % {"agree": agree, "of": of, "first": first})
    elif of:
        lines.append(t.gettext("Ingen av %(of)s andra metoder sätter %(first)s först.")
                     % {"of": of, "first": first})
    return lines


def explain_lines(v: Mapping[str, Any], gettext: Gettext | None = None) -> list[str]:
    """Place and share never contradict without a sentence (issue 23): the place comes from
    the region's weights, the share from each participant's own weighting."""
    t = _gt(gettext)
    out = []
    explain, leader = v.get("explain"), v.get("share_leader")
    if explain == "tie" and len(v.get("tied") or []) > 1:
        out.append(t.gettext("%(names)s delar förstaplatsen med regionens samlade vikter.")
                   % {"names": join(v["tied"], t)})
    elif explain == "other_first_more_often" and leader:
        out.append(t.gettext(
            "%(leader)s kommer först med fler av deltagarnas viktningar (%(share)s), men med "
            "regionens samlade vikter kommer %(first)s först: platsen bygger på de samlade "
            "vikterna, andelen på var och en av deltagarnas egna.") % {
            "leader": leader["name"], "share": pct(leader.get("share"), t),
            "first": v["first"]})
    elif (v.get("share_first") or 0) < 0.5 and v.get("share_first") is not None:
        out.append(t.gettext(
            "Platsen bygger på regionens samlade vikter; andelen räknar hur ofta alternativet "
            "kommer först med var och en av deltagarnas egna viktningar. När vikterna går isär "
            "kan ett alternativ komma först för regionen utan att komma först för de flesta."))
    covered = (v["first"], leader["name"]) if explain == "other_first_more_often" and leader \
        else None
    pairs = [p for p in v.get("inverted") or [] if (p["higher"], p["lower"]) != covered]
    if pairs:
        pair = pairs[0]
        out.append(t.gettext(
            "%(lower)s kommer först med fler viktningar än %(higher)s men hamnar ändå efter: "
            "%(lower)s är bäst för en del av deltagarna och sämre för de andra, %(higher)s "
            "ligger jämnare.") % pair)
    return out


def plain_summary(items: Sequence[Mapping[str, Any]], gettext: Gettext | None = None,
                  lang: str | None = None) -> list[dict[str, Any]]:
    """The summary's statements about the room (conflicts, groups, agreement) without test
    statistics, for the main views; the full sentences with their basis are in Fördjupning."""
    t = _gt(gettext, lang)
    out = []
    for it in items:
        kind = it.get("kind")
        if kind not in _PLAIN_KINDS:
            continue
        p = it.get("params") or {}
        if kind == "agreement" and (p.get("spread_hidden") or not p.get("criteria")):
            text = _spread_hidden(p, t)
        elif kind == "agreement":
            crits = p.get("criteria") or []
            text = t.gettext("Rummet är mest enigt om %(criteria)s.") % {
                "criteria": join([c["name"] for c in crits], t)}
        else:
            text = _RENDER[kind](p, t)[0]
        out.append({"kind": kind, "text": text})
    return out
