"""The grader's side of the race-widening manager (student_runtime.instruments.race_manager).

The manager runs in the student's process, never here: its server unpickles whatever its
clients send. The grader starts it there, holds handles to it and its proxies, shuts it down
when a check ends, and words what one read through a proxy costs.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from student_runtime.instruments.race_manager import WINDOW_S, read_costs, start_race_manager


@contextmanager
def race_manager(student, workers: int, window_s: float = WINDOW_S):
    """A handle to a started RaceManager in the student's process; shut down when the block ends.

    After a hang or a crash the student's process, and the manager with it, is already gone.
    """
    manager = student.make(start_race_manager, workers, window_s)
    generation = student.generation
    try:
        yield manager
    finally:
        if student.alive() and student.generation == generation:
            manager.shutdown()


@dataclass(frozen=True)
class RoundTrip:
    """What one read costs through a proxy and on a plain dict, in microseconds."""

    proxy_us: float
    local_us: float

    @property
    def ratio(self) -> float:
        return self.proxy_us / max(self.local_us, 1e-6)

    def metrics(self) -> dict:
        return {"proxy_read_us": round(self.proxy_us, 1), "dict_read_us": round(self.local_us, 3)}

    def described(self) -> str:
        return (f"about {self.proxy_us:,.0f} µs here, against {self.local_us:.2f} µs for a plain "
                f"dict read: {self.ratio:,.0f} times as long")


def measure_round_trip(student, proxy, key=None, attribute: str | None = None) -> RoundTrip:
    """The fastest read of `proxy[key]` (or `proxy.<attribute>`), timed in the student's process
    beside a plain dict's; the figures only word a message."""
    costs = student.call(read_costs, proxy, key, attribute)
    try:
        proxy_us, local_us = (float(cost) for cost in costs)
    except (TypeError, ValueError):
        proxy_us = local_us = 0.0
    return RoundTrip(proxy_us, local_us)
