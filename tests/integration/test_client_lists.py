"""Cursor pagination through the client against the real sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from client_support import run, signed_in

from bo_desktop.contract.enums import Psp
from bo_desktop.contract.payments import Transaction


def test_paginate_yields_every_item_once_in_stable_order(sandbox: Any) -> None:
    # Bounded in time so the live simulator cannot add rows between the two walks.
    params = {"psp": Psp.TRUSTLY, "to": datetime.now(UTC) - timedelta(minutes=1)}

    async def main() -> tuple[list[str], list[str], int]:
        async with signed_in(sandbox, "compliance") as client:
            small: list[str] = []
            pages = 0
            async for items in client.paginate("transactions", Transaction, params=params, page_size=97):
                pages += 1
                assert len(items) <= 97
                small += [t.id for t in items]
            large: list[str] = []
            async for items in client.paginate("transactions", Transaction, params=params, page_size=500):
                large += [t.id for t in items]
            return small, large, pages

    small, large, pages = run(main())
    assert pages > 2, "too few items to exercise pagination"
    assert small == large
    assert len(set(small)) == len(small)
