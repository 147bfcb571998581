"""What starting a pool of workers costs on this machine, in time and memory: the trade between
interpreters and processes that the interpreters topic shows the student. Measured in the
grader's own process, on the same Python, with no student code involved.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import psutil

# Each worker's first task waits this long, so that every worker of the pool is started.
FIRST_TASK_S = 0.02


@dataclass(frozen=True)
class StartUp:
    """Starting `workers` workers and giving each a first task: how long, and the memory added."""

    workers: int
    seconds: float
    memory_bytes: int

    def describe(self, kind: str) -> str:
        return (f"{self.workers} {kind} took {self.seconds * 1000:.0f} ms and "
                f"{self.memory_bytes / 2**20:.0f} MB")


def pool_start_up(executor_class, workers: int) -> StartUp:
    """Start a pool of `workers` workers of executor_class here and time it until each has run a
    first task; the memory is this process's growth plus whatever processes the pool started."""
    me = psutil.Process()
    before = me.memory_info().rss
    children_before = {child.pid for child in me.children(recursive=True)}
    started = time.monotonic()
    with executor_class(max_workers=workers) as executor:
        list(executor.map(time.sleep, [FIRST_TASK_S] * workers))
        seconds = time.monotonic() - started - FIRST_TASK_S
        memory = me.memory_info().rss - before
        for child in me.children(recursive=True):
            if child.pid not in children_before:
                try:
                    memory += child.memory_info().rss
                except psutil.Error:
                    pass
    return StartUp(workers, round(max(seconds, 0.0), 4), max(memory, 0))
