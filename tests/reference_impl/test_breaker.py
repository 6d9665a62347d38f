"""Circuit breaker state machine, driven by a fake clock (the integration test uses real Redis)."""

from __future__ import annotations

import threading

import pytest

from reference_impl.breaker import BreakerState, CircuitBreaker, breaker_for


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_threshold_and_probes_once_after_reset() -> None:
    clock = Clock()
    breaker = CircuitBreaker(3, 5.0, clock)
    changes: list[BreakerState] = []
    breaker.on_change(changes.append)
    for _ in range(2):
        breaker.record_failure()
        assert breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN and not breaker.allow()
    clock.now += 4.9
    assert not breaker.allow()
    clock.now += 0.2
    assert breaker.allow()  # this caller is the probe
    assert breaker.state is BreakerState.HALF_OPEN
    assert not breaker.allow()  # everyone else still skips Redis
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    clock.now += 5.1
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED and breaker.allow()
    assert changes == [
        BreakerState.OPEN,
        BreakerState.HALF_OPEN,
        BreakerState.OPEN,
        BreakerState.HALF_OPEN,
        BreakerState.CLOSED,
    ]
    assert breaker.snapshot()["times_opened"] == 2


def test_success_resets_consecutive_failures() -> None:
    breaker = CircuitBreaker(3, 5.0, Clock())
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED


def test_lost_probe_is_replaced_after_timeout() -> None:
    clock = Clock()
    breaker = CircuitBreaker(1, 1.0, clock)
    breaker.record_failure()
    clock.now += 1.0
    assert breaker.allow()
    assert not breaker.allow()
    clock.now += 1.0
    assert breaker.allow()  # the first probe never reported back


def test_only_one_probe_among_threads() -> None:
    clock = Clock()
    breaker = CircuitBreaker(1, 1.0, clock)
    breaker.record_failure()
    clock.now += 2
    allowed: list[bool] = []
    threads = [threading.Thread(target=lambda: allowed.append(breaker.allow())) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert allowed.count(True) == 1


def test_registry_is_process_wide() -> None:
    assert breaker_for("redis://x:1/0", 3, 5) is breaker_for("redis://x:1/0", 3, 5)
    assert breaker_for("redis://x:1/0", 3, 5) is not breaker_for("redis://x:2/0", 3, 5)


def test_rejects_bad_configuration() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(0, 1)
