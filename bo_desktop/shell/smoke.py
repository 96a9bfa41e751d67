"""``BO_DESKTOP_SMOKE_TEST=data``: prove from inside the app that a dock shows server data.

The packaged app's smoke test (``packaging/smoke_test.py``) can only watch the process from
outside, so the app itself checks, once the main window is up, that some dock's table received
rows from the platform, prints one line saying so and returns the process's exit code.
"""

from __future__ import annotations

import asyncio
import sys

from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QMainWindow, QTableView, QTreeView

from bo_desktop import __version__

SMOKE_DATA = "data"
OK_MARKER = "BO_DESKTOP_SMOKE_OK"
FAILED_MARKER = "BO_DESKTOP_SMOKE_FAILED"


def dock_with_rows(window: QMainWindow) -> tuple[str, int] | None:
    """(dock objectName, rows) of the first visible dock table that has rows."""
    for dock in window.findChildren(QDockWidget):
        if not dock.isVisible():
            continue
        # Tables and trees only: a combo box's hidden popup list fills from cached reference
        # data and would pass without any dock having loaded anything.
        for view in dock.findChildren(QAbstractItemView):
            if isinstance(view, QTableView | QTreeView) and view.isVisible():
                model = view.model()
                if model is not None and model.rowCount() > 0:
                    return dock.objectName(), model.rowCount()
    return None


async def check_dock_data(window: QMainWindow, timeout: float = 60.0) -> int:
    """Wait until a dock shows rows; print one result line; 0 on success, 1 on timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (found := dock_with_rows(window)) is None:
        if loop.time() > deadline:
            print(f"{FAILED_MARKER} no dock showed data within {timeout:.0f} s", file=sys.stderr, flush=True)
            return 1
        await asyncio.sleep(0.2)
    dock, rows = found
    print(f"{OK_MARKER} version={__version__} dock={dock} rows={rows}", flush=True)
    return 0
