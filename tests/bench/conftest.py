"""Benchmarks run on demand only: ``pytest tests/bench -m bench -s`` (or ``BO_BENCH=1``).

They seed 100k players and take minutes, so the normal test run skips them. Benchmark files are
named ``bench_*.py`` (not ``test_*``) and collected here explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _bench_requested(config: pytest.Config) -> bool:
    markexpr = str(config.getoption("-m") or "")
    return os.environ.get("BO_BENCH") == "1" or ("bench" in markexpr and "not bench" not in markexpr)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    # A file named on the command line is collected by pytest itself; collecting it here too
    # would run every benchmark twice.
    if (
        file_path.suffix == ".py"
        and file_path.name.startswith("bench_")
        and not parent.session.isinitpath(file_path)
    ):
        return pytest.Module.from_parent(parent, path=file_path)
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _bench_requested(config):
        return
    skip = pytest.mark.skip(reason="benchmark: run with `pytest tests/bench -m bench -s` or BO_BENCH=1")
    for item in items:
        if item.get_closest_marker("bench") is not None:
            item.add_marker(skip)
