"""One live chart: a matplotlib ``Figure`` in a ``FigureCanvasQTAgg``, updated by blitting.

Importing this module imports matplotlib (~0.6 s), so only the dock factory imports it.

Drawing strategy (matplotlib's blitting tutorial):

- A live second only changes the bucket in progress, so the *closed* buckets' lines belong to the
  background with axes, grid and legend, and only the open bucket's short "tail" segments and
  the hover cursor are *animated* artists. ``draw_event`` copies the background after a full
  ``canvas.draw()``; a live update restores it and draws just the animated artists (``blit``).
  With ``static_history=False`` the whole lines are animated (matplotlib's classic blitting;
  the benchmark compares both).
- A full redraw happens only when the picture must change beyond that: first draw, resize, a
  closed bucket (the x-range moves), a reload that changed closed buckets, or values leaving
  the y-range (which has headroom, so that is rare).
- Updates are coalesced by a single-shot timer: a burst of events (replay after a reconnect)
  costs one frame. Nothing is drawn while the chart is hidden (closed or tabbed-away dock,
  minimised window) or paused; the pending change is drawn when it is shown or resumed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime

import matplotlib.dates as mdates
import numpy as np
from matplotlib.backend_bases import DrawEvent, Event, MouseEvent
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QHideEvent, QImage, QPalette, QShowEvent
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from bo_desktop.widgets.labels import mute, plain_label

from .specs import ChartSpec

COALESCE_MS = 100
IDLE_READOUT = " "  # keeps the line's height, so the chart does not jump on hover
_DAY = 86_400.0


def _to_datenum(epoch_seconds: np.ndarray) -> np.ndarray:
    # matplotlib's default date epoch is 1970-01-01: a date number is days since the Unix epoch.
    return epoch_seconds / _DAY


class LiveChart(QWidget):
    """Call :meth:`set_data`; the chart draws when it is visible and not paused."""

    def __init__(
        self,
        spec: ChartSpec,
        parent: QWidget | None = None,
        *,
        blit: bool = True,
        static_history: bool = True,
    ) -> None:
        super().__init__(parent)
        self.spec = spec
        self.use_blit = blit
        self.static_history = static_history
        self._drawn_history: dict[str, np.ndarray] = {}  # closed buckets as last drawn into the background
        self._drawn_tails: list[np.ndarray] = []  # the open bucket as last drawn
        self.setObjectName(f"chart.{spec.id}")
        self.paused = False
        self.full_draws = 0  # counters for tests and the benchmark
        self.blits = 0
        self._times = np.empty(0)
        self._columns: dict[str, np.ndarray] = {}
        self._x_range: tuple[float, float] | None = None
        self._partial_last = False
        # What the lines show now: pending data waits in _times/_columns while paused or hidden,
        # and the hover readout and the exports must describe the picture, not the backlog.
        self._shown_times = np.empty(0)
        self._shown_columns: dict[str, np.ndarray] = {}
        self._background: object | None = None
        self._dirty = False
        self._needs_full = True
        self._hover_index: int | None = None

        self.figure = Figure(figsize=(5, 2.6), dpi=90, layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setObjectName(f"chart.{spec.id}.canvas")
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumSize(240, 150)
        self.ax = self.figure.add_subplot()
        self._style_axes()
        self.lines: dict[str, Line2D] = {}
        # The bucket in progress is drawn apart (dotted, hollow marker): it is still filling up,
        # and a solid line dipping at the right edge every minute would read as a real drop.
        self.tails: dict[str, Line2D] = {}
        # Rates and latencies have buckets without attempts (gaps): markers keep lone points visible.
        marker = "o" if spec.unit in ("percent", "ms") else None
        for series in spec.series:
            (line,) = self.ax.plot(
                [], [], color=series.color, label=series.label, lw=1.6, marker=marker, ms=2.5
            )
            (tail,) = self.ax.plot([], [], color=series.color, lw=1.2, ls=":", marker="o", ms=4, mfc="none",
                                   markevery=[1], alpha=0.6)  # fmt: skip
            line.set_animated(blit and not static_history)
            tail.set_animated(blit)
            self.lines[series.key] = line
            self.tails[series.key] = tail
        self.hover_line = self.ax.axvline(0, lw=0.8, alpha=0.6, visible=False, animated=blit)
        self._empty_text = self.ax.text(0.5, 0.5, "Waiting for data…", transform=self.ax.transAxes,
                                        ha="center", va="center", alpha=0.6)  # fmt: skip
        self._legend_columns = 0
        self._fit_legend()
        self._apply_palette()

        # The title is a Qt label, not matplotlib text: it never collides with the legend, follows
        # the application font, and changing it (window switch) costs no redraw.
        self.title = plain_label(spec.title)
        self.title.setObjectName(f"chart.{spec.id}.title")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.readout = mute(plain_label(IDLE_READOUT))
        self.readout.setObjectName(f"chart.{spec.id}.readout")
        # A long readout is clipped rather than widening the chart (and the dock) to fit it.
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.readout)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self.draw_pending)
        self.canvas.mpl_connect("draw_event", self._on_draw)
        self.canvas.mpl_connect("motion_notify_event", self._on_motion)
        self.canvas.mpl_connect("axes_leave_event", self._on_leave)
        self.canvas.mpl_connect("resize_event", lambda _event: self._fit_legend())

    def _style_axes(self) -> None:
        ax = self.ax
        ax.tick_params(labelsize=8)
        for side, spine in ax.spines.items():
            spine.set_alpha(0.35)
            spine.set_visible(side in ("left", "bottom"))
        locator = mdates.AutoDateLocator(tz=UTC, minticks=3, maxticks=7)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=UTC, show_offset=False))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: self.spec.format_tick(v)))

    def _apply_palette(self) -> None:
        """Figure colours from the Qt palette, so light and dark themes both read well."""
        palette = self.palette()
        fg = palette.color(QPalette.ColorRole.WindowText).name()
        bg = palette.color(QPalette.ColorRole.Base).name()
        self.figure.set_facecolor(bg)
        ax = self.ax
        ax.set_facecolor(bg)
        ax.tick_params(colors=fg)
        for spine in ax.spines.values():
            spine.set_color(fg)
        ax.grid(True, color=fg, alpha=0.12, lw=0.6)
        self.hover_line.set_color(fg)
        self._empty_text.set_color(fg)
        legend = ax.get_legend()
        if legend is not None:
            for text in legend.get_texts():
                text.set_color(fg)
        self._needs_full = True

    def _fit_legend(self) -> None:
        """Above the plot, left-aligned, in as many columns as the width allows (it wraps)."""
        width = self.canvas.width() if self.canvas.width() > 0 else 400
        columns = max(1, min(len(self.spec.series), width // 105))
        if columns == self._legend_columns:
            return
        self._legend_columns = columns
        fg = self.palette().color(QPalette.ColorRole.WindowText).name()
        self.ax.legend(handles=list(self.lines.values()), loc="lower left", bbox_to_anchor=(0.0, 1.0),
                       fontsize=8, ncols=columns, frameon=False, labelcolor=fg, handlelength=1.2,
                       columnspacing=1.0, borderaxespad=0.2)  # fmt: skip
        self._needs_full = True

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # the user switched light/dark
            self._apply_palette()
            self._dirty = True
            self.request_render()

    # -- data ------------------------------------------------------------------------------------

    def set_data(
        self,
        times: np.ndarray,
        columns: Mapping[str, np.ndarray],
        x_range: tuple[float, float] | None = None,
        *,
        partial_last: bool = False,
    ) -> None:
        """New values (epoch-second bucket starts, one array per series key); drawn coalesced.
        ``partial_last``: the newest bucket is still filling up (drawn dotted)."""
        self._partial_last = partial_last
        self._times = np.asarray(times, dtype=float)
        self._columns = {k: np.asarray(v, dtype=float) for k, v in columns.items()}
        if x_range != self._x_range:
            self._x_range = x_range
            self._needs_full = True
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def set_title(self, title: str) -> None:
        self.title.setText(title)

    def set_reference_line(self, value: float, label: str) -> None:
        """A static dashed line (a threshold): part of the background, costs nothing per frame."""
        self.ax.axhline(value, color="#c62828", lw=0.8, ls="--", alpha=0.7)
        if label:
            self.ax.annotate(
                label, (0.005, value), xycoords=("axes fraction", "data"), ha="left", va="top", fontsize=7,
                color="#c62828", xytext=(0, -2), textcoords="offset points",
            )  # fmt: skip
        self._needs_full = True

    def table(self) -> tuple[list[str], list[datetime], list[list[float]]]:
        """Series labels, bucket times (UTC) and one row of values per bucket: the export data."""
        labels = [s.label for s in self.spec.series]
        shown = self._shown_times
        times = [datetime.fromtimestamp(float(t), UTC) for t in shown]
        cols = [self._shown_columns.get(s.key, np.full(len(shown), np.nan)) for s in self.spec.series]
        rows = [[float(col[i]) for col in cols] for i in range(len(shown))]
        return labels, times, rows

    def grab_image(self) -> QImage:
        """What the chart shows now (QImage: safe to encode in a worker thread)."""
        return self.canvas.grab().toImage()

    # -- pause / visibility ----------------------------------------------------------------------

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        if not paused and self._dirty:
            self.draw_pending()

    def is_shown(self) -> bool:
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def request_render(self) -> None:
        """Draw pending data soon, e.g. once it is scrolled into view (no show event for that)."""
        if self._dirty and not self._timer.isActive():
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self._needs_full = True
            self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

    # -- drawing ---------------------------------------------------------------------------------

    def draw_pending(self) -> None:
        """Draw pending data now (the coalescing timer calls this)."""
        if not self._dirty or self.paused or not self.is_shown():
            return
        self._dirty = False
        self._apply_data()
        if (
            self._needs_full
            or not self.use_blit
            or self._background is None
            or self._history_changed()
            or self._rescale_y()
        ):
            self._full_draw()
        elif self._tails_changed():
            self._blit()
        # else: a live second that changed nothing shown (no deposit, same player count): no frame

    def _tails_snapshot(self) -> list[np.ndarray]:
        return [np.asarray(tail.get_xydata(), dtype=float) for tail in self.tails.values()]

    def _tails_changed(self) -> bool:
        if not self.static_history:
            return True  # whole lines are animated: they are what changed
        now = self._tails_snapshot()
        if len(now) == len(self._drawn_tails) and all(
            a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
            for a, b in zip(now, self._drawn_tails, strict=True)
        ):
            return False
        self._drawn_tails = now
        return True

    def _apply_data(self) -> None:
        self._shown_times, self._shown_columns = self._times, self._columns
        x = _to_datenum(self._times)
        done = len(x) - 1 if self._partial_last and len(x) >= 2 else len(x)
        for key, line in self.lines.items():
            y = self._columns.get(key, np.full(len(x), np.nan))
            line.set_data(x[:done], y[:done])
            tail = slice(done - 1, None) if done < len(x) else slice(0, 0)
            self.tails[key].set_data(x[tail], y[tail])
        self._empty_text.set_visible(len(x) == 0)

    def _history_changed(self) -> bool:
        """Whether the closed buckets differ from those baked into the background."""
        if not self.static_history:
            return False
        for key, line in self.lines.items():
            drawn = self._drawn_history.get(key)
            y = np.asarray(line.get_ydata(), dtype=float)
            if drawn is None or not np.array_equal(drawn, y, equal_nan=True):
                return True
        return False

    def _finite_values(self) -> np.ndarray:
        arrays = [a for a in self._columns.values() if len(a)]
        if not arrays:
            return np.empty(0)
        data = np.concatenate(arrays)
        return data[np.isfinite(data)]

    def _y_limits(self) -> tuple[float, float]:
        data = self._finite_values()
        if self.spec.unit == "percent":
            low = min(0.8, math.floor((data.min() if len(data) else 1.0) * 10) / 10 - 0.05)
            return max(-0.02, low), 1.02
        high = float(data.max()) if len(data) else 1.0
        low = float(data.min()) if len(data) else 0.0
        return (min(0.0, low * 1.15), max(high * 1.2, 1.0))

    def _rescale_y(self) -> bool:
        """Whether the values left the y-range (or shrank far inside it): then redraw fully."""
        data = self._finite_values()
        if not len(data):
            return False
        bottom, top = self.ax.get_ylim()
        high, low = float(data.max()), float(data.min())
        if self.spec.unit == "percent":
            return low < bottom
        return high > top or low < bottom or (top > 1.0 and high < top * 0.35)

    def _full_draw(self) -> None:
        self._needs_full = False
        self.ax.set_ylim(*self._y_limits())
        if self._x_range is not None:
            self.ax.set_xlim(*_to_datenum(np.array(self._x_range, dtype=float)))
        elif len(self._times):
            span = max(float(self._times[-1] - self._times[0]), 60.0)
            self.ax.set_xlim(*_to_datenum(np.array([self._times[0], self._times[0] + span])))
        self.full_draws += 1
        self._drawn_history = {k: np.array(line.get_ydata(), dtype=float) for k, line in self.lines.items()}
        self._drawn_tails = self._tails_snapshot()
        self.canvas.draw()  # → _on_draw caches the background and blits the animated artists

    def _on_draw(self, _event: DrawEvent | None) -> None:
        if not self.use_blit:
            return
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._draw_animated()

    def _blit(self) -> None:
        self.canvas.restore_region(self._background)
        self._draw_animated()
        self.canvas.blit(self.ax.bbox)  # animated artists are clipped to the axes
        self.blits += 1

    def _draw_animated(self) -> None:
        for key, line in self.lines.items():
            if line.get_animated():
                self.figure.draw_artist(line)
            self.figure.draw_artist(self.tails[key])
        if self.hover_line.get_visible():
            self.figure.draw_artist(self.hover_line)

    # -- hover readout ---------------------------------------------------------------------------

    def _on_motion(self, event: Event) -> None:
        if not isinstance(event, MouseEvent) or event.inaxes is not self.ax or event.xdata is None:
            return
        self.show_value_at(float(event.xdata) * _DAY)

    def show_value_at(self, epoch_seconds: float) -> None:
        """Put the cursor on the bucket nearest ``epoch_seconds`` and read its values out."""
        times = self._shown_times
        if not len(times):
            return
        index = int(np.clip(np.searchsorted(times, epoch_seconds), 0, len(times) - 1))
        if index > 0 and abs(times[index - 1] - epoch_seconds) < abs(times[index] - epoch_seconds):
            index -= 1
        if index == self._hover_index and self.hover_line.get_visible():
            return
        self._hover_index = index
        at = datetime.fromtimestamp(float(times[index]), UTC)
        parts = [at.strftime("%a %d %b %H:%M UTC")]
        if self._partial_last and index == len(times) - 1:
            parts[0] += " (in progress)"
        for series in self.spec.series:
            column = self._shown_columns.get(series.key)
            value = float(column[index]) if column is not None and index < len(column) else math.nan
            parts.append(f"{series.label} {self.spec.format_value(value)}")
        self.readout.setText("   ·   ".join(parts))
        self.hover_line.set_xdata([times[index] / _DAY] * 2)
        self.hover_line.set_visible(True)
        self._redraw_overlay()

    def clear_readout(self) -> None:
        """Forget the hovered bucket (its window is gone)."""
        self._on_leave(None)

    def _on_leave(self, _event: Event | None) -> None:
        self._hover_index = None
        self.hover_line.set_visible(False)
        self.readout.setText(IDLE_READOUT)
        self._redraw_overlay()

    def _redraw_overlay(self) -> None:
        # The cursor moves even while paused: pausing is for reading values off a still chart.
        if self.use_blit and self._background is not None and self.is_shown():
            self._blit()
        else:
            self.canvas.draw_idle()
