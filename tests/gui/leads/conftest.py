"""Fixtures for the Leads dock tests: the players tests' signed-in ``player_ctx`` (a real
ApiClient + reference cache against the session sandbox) and ``http``, reused rather than copied."""

from __future__ import annotations

from players.conftest import chaos, http, player_ctx

__all__ = ["chaos", "http", "player_ctx"]
