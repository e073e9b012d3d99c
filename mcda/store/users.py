"""Users, login sessions and the audit log.

Passwords use scrypt at OWASP parameters (N=2^15, r=8, p=3) with a 16-byte salt;
the parameters are stored with the hash so they can be raised later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from .db import transaction

SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 3
ROLES = ("admin", "facilitator", "secretariat")


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def hash_password(password: str, *, n: int | None = None) -> str:
    """Return ``scrypt$n$r$p$salt$hash`` (base64) for ``password``."""
    n = n or SCRYPT_N
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, maxmem=256 * 1024 * 1024
    )
    b64 = base64.b64encode
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a stored scrypt hash."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(digest)
    actual = hashlib.scrypt(
        password.encode(),
        salt=base64.b64decode(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        maxmem=256 * 1024 * 1024,
        dklen=len(expected),
    )
    return hmac.compare_digest(actual, expected)


def create_user(db: Database, email: str, password: str, role: str) -> int:
    """Create a user; the email is stored lower-case. Raises ``ValueError`` on bad role."""
    if role not in ROLES:
        raise ValueError(f"role: {role!r}")
    with transaction(db):
        cur = db.execute(
            "INSERT INTO users (email, password_hash, role) VALUES (?, ?, ?)",
            [email.strip().lower(), hash_password(password), role],
        )
        return int(cur.lastrowid)


def set_password(db: Database, user_id: int, password: str) -> None:
    """Replace the password and end every session of that user."""
    with transaction(db):
        db.execute(
            "UPDATE users SET password_hash = ? WHERE id = ?", [hash_password(password), user_id]
        )
        db.execute("DELETE FROM user_sessions WHERE user_id = ?", [user_id])


def get_user_by_email(db: Database, email: str) -> dict[str, Any] | None:
    row = db.execute("SELECT * FROM users WHERE email = ?", [email.strip().lower()]).fetchone()
    return dict(row) if row else None


def create_session(db: Database, user_id: int) -> str:
    """Start a login session and return its random id (≥ 256 bits). Stamped by :func:`_now`,
    the one clock a session's age is measured by (tests move it instead of sleeping)."""
    sid = secrets.token_urlsafe(32)
    now = _iso(_now())
    with transaction(db):
        db.execute(
            "INSERT INTO user_sessions (id, user_id, created_at, last_seen) VALUES (?, ?, ?, ?)",
            [sid, user_id, now, now],
        )
    return sid


def session_user(
    db: Database, sid: str, *, idle_timeout_s: int, absolute_timeout_s: int
) -> dict[str, Any] | None:
    """The user of a live session, or None when it is unknown, idle or too old.

    An expired session row is deleted; a live one has ``last_seen`` refreshed.
    """
    row = db.execute(
        "SELECT s.id AS sid, s.created_at, s.last_seen, u.* FROM user_sessions s "
        "JOIN users u ON u.id = s.user_id WHERE s.id = ?",
        [sid],
    ).fetchone()
    if row is None:
        return None
    now = _now()
    created = datetime.fromisoformat(row["created_at"].replace("Z", "+00:00"))
    seen = datetime.fromisoformat(row["last_seen"].replace("Z", "+00:00"))
    if now - seen > timedelta(seconds=idle_timeout_s) or now - created > timedelta(
        seconds=absolute_timeout_s
    ):
        delete_session(db, sid)
        return None
    if now - seen > timedelta(seconds=60):  # avoid a write on every request
        with transaction(db):
            db.execute("UPDATE user_sessions SET last_seen = ? WHERE id = ?", [_iso(now), sid])
    user = dict(row)
    user.pop("password_hash", None)
    return user


def touch_session(db: Database, sid: str) -> None:
    """Mark a live session as active now (the "stay logged in" answer to the idle warning);
    ``session_user`` only refreshes ``last_seen`` once a minute."""
    with transaction(db):
        db.execute("UPDATE user_sessions SET last_seen = ? WHERE id = ?", [_iso(_now()), sid])


def delete_session(db: Database, sid: str) -> None:
    with transaction(db):
        db.execute("DELETE FROM user_sessions WHERE id = ?", [sid])


def audit(db: Database, user_id: int | None, action: str, target: str = "", **detail: Any) -> None:
    """Append a facilitator action to the audit log (inside the caller's transaction if any)."""
    with transaction(db):
        db.execute(
            "INSERT INTO audit_log (user_id, action, target, detail) VALUES (?, ?, ?, ?)",
            [user_id, action, target, json.dumps(detail, ensure_ascii=False, default=str)],
        )
