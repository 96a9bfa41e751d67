"""Storage plumbing of the sandbox: engine setup, portable column types, ids and password hashes.

Everything here must behave the same on SQLite and PostgreSQL: no dialect-only SQL, money in
BigInteger minor units, timestamps as aware UTC datetimes on both sides.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

# SQLite only auto-increments an ``INTEGER PRIMARY KEY`` (the rowid alias), not a BIGINT one.
BigIntPK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class UTCDateTime(sa.TypeDecorator[datetime]):
    """An aware-UTC datetime on every backend.

    SQLite has no timezone type and silently drops ``tzinfo``, so values are stored as naive UTC
    there and made aware again on the way out. Naive datetimes are refused on the way in: they
    are always a bug (local time sneaking into the data).
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------------------------------------
# Engine


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``sqlite:///path`` or ``postgresql+psycopg://...`` (any SQLAlchemy URL).

    SQLite: WAL (readers never block the writer), ``busy_timeout`` (writers queue instead of
    failing) and ``BEGIN IMMEDIATE`` for every transaction. The last one matters: with the
    driver's default deferred BEGIN, a transaction that reads and then writes (check the
    version, then update) fails at once with "database is locked" when another writer committed
    in between, instead of waiting; two racing approvals must serialise and see each other.

    PostgreSQL: read-committed; writers that read-then-write use ``SELECT ... FOR UPDATE``
    (``.with_for_update()``, a no-op on SQLite where BEGIN IMMEDIATE already serialises).
    """
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)

    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if parsed.database in (None, "", ":memory:"):
        # One shared connection, or every pool checkout would see its own empty database.
        kwargs["poolclass"] = StaticPool
    engine = sa.create_engine(url, echo=echo, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so the "begin" hook below decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded attributes after commit (rows are mapped to JSON afterwards)."""
    return sessionmaker(engine, expire_on_commit=False)


def database_kind(engine: Engine) -> str:
    """``sqlite`` | ``postgresql`` | ... for ``/health``."""
    return engine.dialect.name


# ---------------------------------------------------------------------------------------------
# Public ids: "P-000123". Zero-padded so that string order equals numeric order (stable cursors).

ID_FORMATS: dict[str, tuple[str, int]] = {
    "player": ("P", 6),
    "transaction": ("T", 8),
    "withdrawal": ("W", 6),
    "dispute": ("D", 6),
    "dispute_comment": ("DC", 7),
    "dispute_attachment": ("DA", 7),
    "alert": ("A", 6),
    "session": ("GS", 8),
    "note": ("N", 7),
    "kyc_document": ("K", 7),
    "rg_limit": ("L", 7),
    "rg_interaction": ("RG", 7),
    "bonus": ("B", 7),
    "loyalty": ("LY", 8),
    "segment": ("SEG", 3),
    "staff": ("ST", 3),
}


def format_id(kind: str, number: int) -> str:
    prefix, width = ID_FORMATS[kind]
    return f"{prefix}-{number:0{width}d}"


def parse_id(kind: str, value: str) -> int | None:
    """The number inside a public id of ``kind``; None when ``value`` is not such an id."""
    prefix, _width = ID_FORMATS[kind]
    head, sep, digits = value.partition("-")
    if head != prefix or not sep or not digits.isdigit():
        return None
    return int(digits)


# ---------------------------------------------------------------------------------------------
# Staff passwords (sandbox only, but stored the way a real server would: salted scrypt).

# n=2**14 is the interactive-login recommendation; ~30 ms per hash on our machines, so the demo
# logins in tests stay cheap while a leaked sandbox.db still does not give away the passwords.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt_hex$hash_hex``."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a ``hash_password`` string."""
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode(),
            salt=bytes.fromhex(salt_hex),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest_hex) // 2,
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def token_digest(token: str) -> str:
    """How refresh tokens are stored: a SHA-256 hex digest, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()
