"""A sandbox database seeded before the cohort indexes existed gets them when it is reused.

The schema is created only when the sandbox seeds; a reused database keeps its tables, so the
server adds the two indexes the cohort query relies on at start (additive, idempotent).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from api_helpers import sign_in

from bo_desktop.sandbox import db
from bo_desktop.sandbox.retention import INDEXES


def _indexes(engine: sa.Engine) -> set[str]:
    return {str(index["name"]) for index in sa.inspect(engine).get_indexes("transactions")}


def test_a_reused_database_gets_the_cohort_indexes(fresh_sandbox: Callable[..., Any]) -> None:
    first = fresh_sandbox(players=60, simulator=False)
    url = first.config.database_url
    first.stop()
    engine = db.make_engine(url)
    try:
        assert set(INDEXES) <= _indexes(engine)  # a fresh seed has them from the metadata
        with engine.begin() as conn:
            for name in INDEXES:
                conn.execute(sa.text(f"DROP INDEX {name}"))
        assert not set(INDEXES) & _indexes(engine)
    finally:
        engine.dispose()

    again = fresh_sandbox(players=60, simulator=False, database_url=url, reset=False)
    engine = db.make_engine(url)
    try:
        assert set(INDEXES) <= _indexes(engine)
    finally:
        engine.dispose()
    manager = sign_in(again.api_url, "manager")
    report = manager.get("/retention/cohorts", params={"period": "month", "count": 12})
    assert report.status_code == 200 and sum(c["size"] for c in report.json()["cohorts"]) > 0
