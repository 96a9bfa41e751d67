"""Fixtures for the Reports dock tests: the players tests' signed-in ``player_ctx`` (a real
ApiClient + reference cache against the session sandbox), ``http`` and ``chaos``, reused rather
than written a third time."""

from __future__ import annotations

from players.conftest import chaos, http, player_ctx

__all__ = ["chaos", "http", "player_ctx"]
