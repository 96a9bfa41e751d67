"""The cohort triangle as a heatmap: a matplotlib ``Figure`` in a Qt canvas (no pyplot).

Imported only by the panel, which the dock factory imports lazily, so matplotlib (~0.6 s) costs
nothing until someone opens the Retention dock. A redraw is ``draw_idle``: Qt coalesces it.
"""

from __future__ import annotations

import math

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from bo_desktop.contract.retention import CohortReport

from .model import cohort_label

ANNOTATE_MAX_CELLS = 400  # beyond this the numbers overlap; the colour and the tooltip table suffice


class CohortHeatmap(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("retentionHeatmap")
        self.figure = Figure(figsize=(6, 4), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setMinimumHeight(220)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        self.cells_drawn = 0
        self._pending: tuple[CohortReport, bool] | None = None

    def show_report(self, report: CohortReport, rolling: bool) -> None:
        """Draw now when visible; a hidden dock only remembers what to draw (~0.3 s per draw)."""
        if not self.isVisible():
            self._pending = (report, rolling)
            return
        self._pending = None
        self._draw(report, rolling)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._pending is not None:
            report, rolling = self._pending
            self._pending = None
            self._draw(report, rolling)

    def _draw(self, report: CohortReport, rolling: bool) -> None:
        self.figure.clear()
        axes = self.figure.add_subplot()
        cohorts = report.cohorts
        width = max((len(c.cells) for c in cohorts), default=0)
        matrix = [
            [
                (cell.rolling_retention if rolling else cell.retention) if cohort.size else math.nan
                for cell in cohort.cells
            ]
            + [math.nan] * (width - len(cohort.cells))
            for cohort in cohorts
        ]
        self.cells_drawn = sum(1 for row in matrix for v in row if not math.isnan(v))
        if not cohorts or width == 0:
            axes.text(0.5, 0.5, "No cohorts", ha="center", va="center")
            axes.set_axis_off()
            self.canvas.draw_idle()
            return
        image = axes.imshow(matrix, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
        letter = "W" if report.period.value == "week" else "M"
        axes.set_xticks(range(width), [f"{letter}{k}" for k in range(width)], fontsize=8)
        labels = [f"{cohort_label(c, report.period.value)} ({c.size:,})" for c in cohorts]
        axes.set_yticks(range(len(cohorts)), labels, fontsize=8)
        title = "Rolling retention" if rolling else f"Active in {report.period.value} N"
        axes.set_title(f"{title}, by first-deposit {report.period.value}", fontsize=10)
        if self.cells_drawn <= ANNOTATE_MAX_CELLS:
            for y, row in enumerate(matrix):
                for x, value in enumerate(row):
                    if not math.isnan(value):
                        colour = "black" if value > 0.6 else "white"
                        axes.text(x, y, f"{value:.0%}", ha="center", va="center", fontsize=7, color=colour)
        self.figure.colorbar(image, ax=axes, format=lambda v, _pos: f"{v:.0%}", shrink=0.8)
        self.canvas.draw_idle()
