"""Provider health on the dashboard: thresholds from reference data, transitions only, and no
heavy imports until the dock is built."""

from __future__ import annotations

import subprocess
import sys

from bo_desktop.contract.enums import Psp
from bo_desktop.contract.metrics import PspHealth
from bo_desktop.contract.reference import PaymentProvider
from bo_desktop.features.charts.service import MIN_SAMPLE, ProviderHealthWatch

PROVIDERS = [
    PaymentProvider(code=Psp.TRUSTLY, name="Trustly", methods=["bank"], success_rate_threshold=0.92),
    PaymentProvider(code=Psp.ADYEN, name="Adyen", methods=["card"], success_rate_threshold=0.85),
]


def health(psp: Psp, rate: float, attempts: int = 100, healthy: bool = True) -> PspHealth:
    return PspHealth(psp=psp, success_rate=rate, latency_ms_p50=500, attempts_5m=attempts, healthy=healthy)


def test_each_provider_is_judged_by_its_own_threshold() -> None:
    watch = ProviderHealthWatch(lambda: PROVIDERS)
    statuses, changes = watch.update([health(Psp.TRUSTLY, 0.90), health(Psp.ADYEN, 0.90)])
    by_code = {s.code: s for s in statuses}
    assert by_code["trustly"].unhealthy and by_code["trustly"].threshold == 0.92
    assert not by_code["adyen"].unhealthy  # 90 % is fine for Adyen (85 %)
    assert [c.status.code for c in changes] == ["trustly"] and changes[0].became_unhealthy
    assert "Trustly" in changes[0].message and "92%" in changes[0].message


def test_only_transitions_are_reported_and_recovery_clears() -> None:
    watch = ProviderHealthWatch(lambda: PROVIDERS)
    assert watch.update([health(Psp.TRUSTLY, 0.99)])[1] == []  # healthy at start: nothing to say
    assert len(watch.update([health(Psp.TRUSTLY, 0.50)])[1]) == 1
    assert watch.update([health(Psp.TRUSTLY, 0.40)])[1] == []  # still down: no repeat
    (recovered,) = watch.update([health(Psp.TRUSTLY, 0.95)])[1]
    assert not recovered.became_unhealthy and "recovered" in recovered.message
    assert not watch.is_unhealthy("trustly")


def test_a_handful_of_attempts_is_not_an_incident_but_a_platform_outage_is() -> None:
    watch = ProviderHealthWatch(lambda: PROVIDERS)
    statuses, _ = watch.update([health(Psp.TRUSTLY, 0.5, attempts=MIN_SAMPLE - 1)])
    assert not statuses[0].unhealthy
    statuses, changes = watch.update([health(Psp.TRUSTLY, 1.0, attempts=3, healthy=False)])
    assert statuses[0].unhealthy and not statuses[0].below_threshold
    assert "outage" in changes[0].message


def test_registering_the_feature_imports_neither_matplotlib_nor_openpyxl() -> None:
    code = (
        "import sys\n"
        "from bo_desktop.core.docks import DockRegistry\n"
        "from bo_desktop.features import charts\n"
        "registry = DockRegistry(); charts.register(registry)\n"
        "assert [s.id for s in registry.specs()] == ['live-kpis', 'live-charts'], registry.specs()\n"
        "heavy = [m for m in ('matplotlib', 'openpyxl') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
