"""What one read through a manager-style proxy costs, for the managers' messages."""

from __future__ import annotations

from dataclasses import dataclass

from student_runtime.instruments.served_manager import read_costs


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


def measure_round_trip(student, shared, key=None, attribute: str | None = None) -> RoundTrip:
    """The fastest read of `shared[key]` (or `shared.<attribute>`), timed in the student's
    process beside a plain dict's; the figures only word a message."""
    costs = student.call(read_costs, shared, key, attribute)
    try:
        proxy_us, local_us = (float(cost) for cost in costs)
    except (TypeError, ValueError):
        proxy_us = local_us = 0.0
    return RoundTrip(proxy_us, local_us)
