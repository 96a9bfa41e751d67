"""The "Live KPIs" dock: today's numbers and payment-provider health, refreshed every second.

The first snapshot is fetched when the panel opens (tiles are never empty for a second); after
that every ``metrics.snapshot`` event replaces it. Provider health goes through
:class:`ProviderHealthWatch`, which turns a tile red below the provider's threshold and raises one
in-app notification per transition (down, and recovered).
"""

from __future__ import annotations

from datetime import UTC

from PySide6.QtCore import QSize, QTimer
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from bo_desktop.contract.events import ServerEvent
from bo_desktop.contract.metrics import MetricsSnapshot
from bo_desktop.contract.reference import PaymentProvider, ReferenceDataset
from bo_desktop.core.api.errors import ApiError
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label

from . import formatting
from .service import MetricsService, ProviderHealthWatch, ProviderStatus
from .tiles import KpiTile, TileGrid

# key, caption: the order managers read them in (activity, money, work queues).
KPI_TILES: tuple[tuple[str, str], ...] = (
    ("players_online", "Players online"),
    ("deposits_per_minute", "Deposits / min"),
    ("withdrawals_per_minute", "Withdrawals / min"),
    ("deposits_today", "Deposits today"),
    ("withdrawals_today", "Withdrawals today"),
    ("ggr_today", "GGR today"),
    ("ngr_today", "NGR today"),
    ("pending_withdrawals", "Pending withdrawals"),
    ("open_disputes", "Open disputes"),
    ("sla_breaches", "SLA breaches"),
    ("open_aml_alerts", "Open AML alerts"),
)


class KpiPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("charts.kpiPanel")
        self.ctx = ctx
        self.service = MetricsService(ctx.api)
        self.watch = ProviderHealthWatch(
            lambda: ctx.cache.items_as(ReferenceDataset.PAYMENT_PROVIDERS, PaymentProvider)
        )
        self.snapshot: MetricsSnapshot | None = None

        self.tiles: dict[str, KpiTile] = {key: KpiTile(key, caption) for key, caption in KPI_TILES}
        kpi_grid = TileGrid(128)  # 11 tiles in one row on a 1,600-pixel screen
        for tile in self.tiles.values():
            kpi_grid.add(tile)
        self.psp_tiles: dict[str, KpiTile] = {}
        self.psp_grid = TileGrid(220)  # room for "1,326 ms · 12 attempts · min 90%"
        self.status = mute(plain_label("Loading…"))
        self.status.setObjectName("charts.kpiStatus")

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(kpi_grid)
        psp_header = QHBoxLayout()
        psp_header.addWidget(plain_label("Payment providers — deposit success over 5 min"))
        psp_header.addStretch(1)
        psp_header.addWidget(self.status)
        layout.addLayout(psp_header)
        layout.addWidget(self.psp_grid)
        layout.addStretch(1)
        self._content = content
        scroll = QScrollArea()
        scroll.setObjectName("charts.kpiScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self._pending: MetricsSnapshot | None = None
        self._apply_timer = QTimer(self)
        self._apply_timer.setSingleShot(True)
        self._apply_timer.setInterval(50)
        self._apply_timer.timeout.connect(self._apply_pending)
        ctx.events.subscribe("metrics.snapshot", self._on_event, owner=self)
        ctx.events.reset.connect(self.reload)
        ctx.session.online_changed.connect(self._on_online_changed)
        self.reload()

    def sizeHint(self) -> QSize:
        # Ask for room to show every tile; the scroll area lets the dock be smaller than that.
        return QSize(900, self._content.sizeHint().height() + 4)

    def minimumSizeHint(self) -> QSize:
        # Everything on a wide screen (two rows of tiles); beyond that height the dock scrolls
        # rather than pushing the main window past the screen.
        return QSize(200, min(self._content.sizeHint().height() + 4, 220))

    def reload(self) -> None:
        if not self.ctx.online:
            self._on_online_changed(False)
            return
        self.ctx.tasks.latest(
            self, "snapshot", self.service.snapshot(), on_result=self.show_snapshot, on_error=self._on_error
        )

    def _on_event(self, event: ServerEvent) -> None:
        try:
            snapshot = MetricsSnapshot.model_validate(event.data)
        except ValueError:
            return  # a malformed event must not blank the tiles; the next one will do
        # Coalesced: a replay burst after a reconnect repaints the tiles once, with the newest.
        self._pending = snapshot
        if not self._apply_timer.isActive():
            self._apply_timer.start()

    def _apply_pending(self) -> None:
        snapshot, self._pending = self._pending, None
        if snapshot is not None:
            self.show_snapshot(snapshot)

    def _on_error(self, error: ApiError) -> None:
        self.status.setText(f"Could not load KPIs: {error.user_message}")

    def _on_online_changed(self, online: bool) -> None:
        if online:
            self.reload()
        else:
            self.status.setText(self._updated_text() + " — offline, values are not live")

    def _updated_text(self) -> str:
        if self.snapshot is None:
            return "No data yet"
        return f"Updated {self.snapshot.at.astimezone(UTC):%H:%M:%S} UTC"

    def show_snapshot(self, snapshot: MetricsSnapshot) -> None:
        if self.snapshot is not None and snapshot.at < self.snapshot.at:
            return  # an older answer (the initial fetch) arriving after a newer event
        self.snapshot = snapshot
        s, t, money = snapshot, self.tiles, formatting.money
        t["players_online"].set_value(formatting.count(s.players_online))
        t["deposits_per_minute"].set_value(formatting.count(s.deposits_per_minute), "last full minute")
        t["withdrawals_per_minute"].set_value(formatting.count(s.withdrawals_per_minute), "last full minute")
        t["deposits_today"].set_value(money(s.deposits_today_eur_minor, cents=False), "since 00:00 UTC")
        t["withdrawals_today"].set_value(money(s.withdrawals_today_eur_minor, cents=False), "since 00:00 UTC")
        t["ggr_today"].set_value(money(s.ggr_today_eur_minor, cents=False), "bets − wins")
        t["ngr_today"].set_value(money(s.ngr_today_eur_minor, cents=False), "GGR − bonuses")
        t["pending_withdrawals"].set_value(formatting.count(s.pending_withdrawals))
        t["open_disputes"].set_value(formatting.count(s.open_disputes))
        t["sla_breaches"].set_value(
            formatting.count(s.sla_breaches), "overdue disputes", alert=s.sla_breaches > 0
        )
        t["open_aml_alerts"].set_value(formatting.count(s.open_aml_alerts))
        statuses, changes = self.watch.update(s.psp_health)
        for status in statuses:
            self._show_provider(status)
        for change in changes:
            if change.became_unhealthy:
                self.ctx.notifier.error(change.message, 15_000)
            else:
                self.ctx.notifier.info(change.message, 8_000)
        self.status.setText(self._updated_text() if self.ctx.online else self._updated_text() + " — offline")

    def _show_provider(self, status: ProviderStatus) -> None:
        tile = self.psp_tiles.get(status.code)
        if tile is None:
            tile = KpiTile(status.code, status.name)
            tile.setObjectName(f"psp.{status.code}")
            self.psp_tiles[status.code] = tile
            self.psp_grid.add(tile)
            self.updateGeometry()  # the dock may now ask for the PSP row's height
        if status.unhealthy and not status.below_threshold:
            detail = f"outage reported by the platform · min {status.threshold:.0%}"
        else:
            attempts = "1 attempt" if status.attempts == 1 else f"{status.attempts:,} attempts"
            sample = f"{status.latency_ms:,.0f} ms · {attempts}" if status.attempts else "no attempts"
            detail = f"{sample} · min {status.threshold:.0%}"
        value = formatting.percent(status.success_rate) + ("  DOWN" if status.unhealthy else "")
        tile.set_value(value, detail, alert=status.unhealthy)
