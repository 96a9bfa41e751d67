"""Query-string encoding for API calls: filters left as None are omitted, lists repeat the key."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import TypeAlias

# Values may be str, int, float, bool, date/datetime, Enum, None, or a list/tuple/set of those.
QueryParams: TypeAlias = Mapping[str, object]


def _encode_one(value: object) -> str:
    # bool before int: bool is an int subclass and "True" is not what the server parses.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def encode_params(params: QueryParams | None) -> tuple[tuple[str, str], ...]:
    """Encode filters as ``((key, value), ...)``.

    None values are dropped (unset filters) and sequences repeat the key (``?status=a&status=b``).
    """
    if not params:
        return ()
    encoded: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, list | tuple | set | frozenset):
            encoded.extend((key, _encode_one(item)) for item in value if item is not None)
        else:
            encoded.append((key, _encode_one(value)))
    return tuple(encoded)
