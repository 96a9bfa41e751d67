"""The local reference-data cache (SQLAlchemy on SQLite, WAL), synced with ETags.

:class:`ReferenceCache` is the public face; ``models`` and ``store`` are its storage.
"""

from .keys import reason_code_key
from .reference import ALL_DATASETS, ReferenceCache, ReferenceSource, SyncResult

__all__ = ["ALL_DATASETS", "ReferenceCache", "ReferenceSource", "SyncResult", "reason_code_key"]
