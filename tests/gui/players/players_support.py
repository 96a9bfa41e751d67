"""Helpers for the players GUI tests (importable: pytest puts this directory on sys.path)."""

from __future__ import annotations

from typing import Any

import httpx


def fresh_player_id(client: httpx.Client, used: set[str], **filters: str) -> str:
    """An active player no other GUI test touched (actions change players)."""
    params: dict[str, Any] = {"status": "active", "sort": "registered_at", "limit": 500, **filters}
    for row in client.get("/players", params=params).json()["data"]:
        if row["id"] not in used:
            used.add(row["id"])
            return str(row["id"])
    raise AssertionError("no unused player left")
