"""Process-wide circuit breaker guarding Redis, so an outage costs microseconds, not seconds.

Closed: calls go to Redis and consecutive failures are counted. Open (after
``failure_threshold`` of them): calls skip Redis entirely. Half-open (``reset_timeout``
seconds later): exactly one caller probes Redis; success closes the breaker, failure opens
it again. Breakers are shared per Redis URL through ``breaker_for()``, so every manager and
thread in the process sees the same state.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable
from typing import Any


class BreakerState(str, enum.Enum):
    """The three states of the breaker."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Thread-safe consecutive-failure circuit breaker."""

    def __init__(
        self,
        failure_threshold: int = 3,
        reset_timeout: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1 or reset_timeout <= 0:
            raise ValueError("failure_threshold must be >= 1 and reset_timeout > 0")
        self.failure_threshold = failure_threshold
        self.reset_timeout = reset_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_started = 0.0
        self._times_opened = 0
        self._listeners: list[Callable[[BreakerState], None]] = []

    @property
    def state(self) -> BreakerState:
        """Current state (an open breaker past its timeout still reads ``open``)."""
        return self._state

    def on_change(self, listener: Callable[[BreakerState], None]) -> None:
        """Call ``listener(new_state)`` after every state change."""
        self._listeners.append(listener)

    def allow(self) -> bool:
        """Tell whether the caller may try Redis now (and claim the probe if half-open)."""
        state = self._state
        if state is BreakerState.CLOSED:
            return True
        now = self._clock()
        changed = False
        with self._lock:
            if self._state is BreakerState.CLOSED:
                return True
            if self._state is BreakerState.OPEN and now - self._opened_at >= self.reset_timeout:
                self._state = BreakerState.HALF_OPEN
                self._probe_started = now
                changed = True
            elif (
                self._state is BreakerState.HALF_OPEN
                and now - self._probe_started >= self.reset_timeout
            ):
                # The previous probe never reported back; let another caller try.
                self._probe_started = now
                return True
            else:
                return False
        if changed:
            self._notify(BreakerState.HALF_OPEN)
        return True

    def record_success(self) -> None:
        """Report a successful Redis call: closes the breaker."""
        if self._state is BreakerState.CLOSED and self._failures == 0:
            return
        with self._lock:
            changed = self._state is not BreakerState.CLOSED
            self._state = BreakerState.CLOSED
            self._failures = 0
        if changed:
            self._notify(BreakerState.CLOSED)

    def record_failure(self) -> None:
        """Report a failed Redis call: may open the breaker."""
        with self._lock:
            self._failures += 1
            opening = self._state is BreakerState.HALF_OPEN or (
                self._state is BreakerState.CLOSED and self._failures >= self.failure_threshold
            )
            if opening:
                self._state = BreakerState.OPEN
                self._opened_at = self._clock()
                self._times_opened += 1
            elif self._state is BreakerState.OPEN:
                self._opened_at = self._clock()
        if opening:
            self._notify(BreakerState.OPEN)

    def snapshot(self) -> dict[str, Any]:
        """State and counters, for ``health()`` and metrics."""
        return {
            "state": self._state.value,
            "consecutive_failures": self._failures,
            "times_opened": self._times_opened,
            "failure_threshold": self.failure_threshold,
            "reset_timeout": self.reset_timeout,
        }

    def _notify(self, state: BreakerState) -> None:
        for listener in list(self._listeners):
            listener(state)


_registry: dict[str, CircuitBreaker] = {}
_registry_lock = threading.Lock()


def breaker_for(key: str, failure_threshold: int, reset_timeout: float) -> CircuitBreaker:
    """Return the process-wide breaker for ``key`` (a Redis URL), creating it once."""
    with _registry_lock:
        breaker = _registry.get(key)
        if breaker is None:
            breaker = CircuitBreaker(failure_threshold, reset_timeout)
            _registry[key] = breaker
        return breaker
