"""SQLAlchemy models of the reference cache (one SQLite file per server).

One row per reference item and one sync-state row per dataset. The payload is the item's JSON as
the server sent it, so a newer server's extra fields survive a round trip through the cache. No
secret ever goes in here: only reference data the server serves to every signed-in user.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Bump when the tables change: an old cache file is then dropped and rebuilt (it is only a cache).
SCHEMA_VERSION = 1


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on SQLite, which stores them naive."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime for a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class ReferenceItemRow(Base):
    """One item of one dataset, keyed by its natural key (see ``keys.item_key``)."""

    __tablename__ = "reference_item"

    dataset: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The dataset revision in which this item last changed.
    revision: Mapped[int]


class SyncStateRow(Base):
    """What the cache holds of one dataset: the ETag to send as If-None-Match next time."""

    __tablename__ = "reference_sync"

    dataset: Mapped[str] = mapped_column(String(40), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(200))
    revision: Mapped[int]
    synced_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CacheMetaRow(Base):
    """Single-row table with the schema version of the file."""

    __tablename__ = "cache_meta"

    id: Mapped[int] = mapped_column(primary_key=True)
    schema_version: Mapped[int]
