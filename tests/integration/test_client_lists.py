"""Cursor pagination through the client against the real sandbox."""

from __future__ import annotations

from typing import Any

from conftest import run, signed_in

from bo_desktop.contract.enums import WithdrawalStatus
from bo_desktop.contract.payments import Withdrawal


def test_paginate_yields_every_item_once_in_stable_order(sandbox: Any) -> None:
    params = {"status": [WithdrawalStatus.PAID, WithdrawalStatus.REJECTED], "sort": "requested_at"}

    async def main() -> tuple[list[str], list[str], int]:
        async with signed_in(sandbox, "payments1") as client:
            small: list[str] = []
            pages = 0
            async for items in client.paginate("withdrawals", Withdrawal, params=params, page_size=37):
                pages += 1
                assert len(items) <= 37
                small += [w.id for w in items]
            large: list[str] = []
            async for items in client.paginate("withdrawals", Withdrawal, params=params, page_size=500):
                large += [w.id for w in items]
            return small, large, pages

    small, large, pages = run(main())
    assert pages > 1, "too few items to exercise pagination"
    assert small == large
    assert len(set(small)) == len(small)
