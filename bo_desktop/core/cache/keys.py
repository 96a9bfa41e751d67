"""Natural keys and display labels of the reference datasets.

Most datasets are keyed by ``code`` or ``id``. Reason codes are keyed by ``applies_to/code``:
the same code may mean different things for a withdrawal rejection and a player status change.
"""

from __future__ import annotations

from collections.abc import Mapping

from bo_desktop.contract.reference import ReferenceDataset

_KEY_FIELD: dict[ReferenceDataset, str] = {
    ReferenceDataset.COUNTRIES: "code",
    ReferenceDataset.CURRENCIES: "code",
    ReferenceDataset.PAYMENT_PROVIDERS: "code",
    ReferenceDataset.GAMES: "id",
    ReferenceDataset.GAME_PROVIDERS: "code",
    ReferenceDataset.REASON_CODES: "code",
    ReferenceDataset.BONUS_TEMPLATES: "id",
    ReferenceDataset.SEGMENTS: "id",
    ReferenceDataset.STAFF: "id",
    ReferenceDataset.JURISDICTIONS: "code",
}

_LABEL_FIELD: dict[ReferenceDataset, str] = {
    ReferenceDataset.REASON_CODES: "label",
    ReferenceDataset.STAFF: "display_name",
}


def reason_code_key(applies_to: str, code: str) -> str:
    """The cache key of a reason code."""
    return f"{applies_to}/{code}"


def item_key(dataset: ReferenceDataset, item: Mapping[str, object]) -> str:
    """The natural key of a raw item; KeyError if the server sent an item without one."""
    value = str(item[_KEY_FIELD[dataset]])
    if dataset is ReferenceDataset.REASON_CODES:
        return reason_code_key(str(item["applies_to"]), value)
    return value


def label_field(dataset: ReferenceDataset) -> str:
    """The attribute a UI shows for an item of ``dataset``."""
    return _LABEL_FIELD.get(dataset, "name")
