"""Tiny helper: give a widget its stable objectName inline (tests and layouts find it by name)."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

QObjectT = TypeVar("QObjectT", bound=QObject)


def named(obj: QObjectT, name: str) -> QObjectT:
    """``named(QLabel("…"), "statusUser")``: the constructor keyword ``objectName=`` works at
    runtime but is missing from PySide6's type stubs, so typed code sets it this way."""
    obj.setObjectName(name)
    return obj
