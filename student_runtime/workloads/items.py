"""Tasks followed item by item: when each ended, which raised, which killed its worker.

Used by the executor and pool_methods suites, which judge the order results reach the caller
against the order the tasks really ended in, and how errors and crashes travel back.
"""

from __future__ import annotations

import os
import time

from student_runtime.workloads import notes
from student_runtime.workloads.tasks import TaskLog, TaskRecord


class StaggeredSquare:
    """x * x after a pause set per item (`pauses[x]`, else `default_pause_s`); logs a TaskRecord with its item.

    With pauses that shrink as x grows, later items finish first, so the order of completion
    differs from the order of submission; the records tell the order the tasks really ended in.
    """

    def __init__(self, log_dir: str | os.PathLike, pauses: dict[int, float],
                 default_pause_s: float = 0.0) -> None:
        self.log_dir = str(log_dir)
        self.pauses = dict(pauses)
        self.default_pause_s = default_pause_s

    def __call__(self, x: int) -> int:
        start = TaskLog(self.log_dir).begin()
        notes.pause(self.pauses.get(x, self.default_pause_s))
        TaskLog(self.log_dir).write(TaskRecord.here(start, time.monotonic(), item=x))
        return x * x


class WorkloadError(Exception):
    """An exception type of the kit's own, to show that a worker's exception keeps its type."""


class SquareUnlessRejected:
    """x * x, except that x % 3 == 1 raises ValueError and x % 3 == 2 raises WorkloadError.

    Every call logs a TaskRecord with its item first, so a suite can tell which process ran it.
    """

    def __init__(self, log_dir: str | os.PathLike) -> None:
        self.log_dir = str(log_dir)

    def __call__(self, x: int) -> int:
        now = time.monotonic()
        TaskLog(self.log_dir).write(TaskRecord.here(now, now, item=x))
        return self.outcome(x)

    @staticmethod
    def outcome(x: int) -> int:
        """What a call gives, computed here and now: the result, or the exception it raises."""
        if x % 3 == 1:
            raise ValueError(f"item {x} is rejected: it leaves remainder 1")
        if x % 3 == 2:
            raise WorkloadError(f"item {x} is rejected: it leaves remainder 2")
        return x * x


def square_or_crash(x: int) -> int:
    """x * x; for a negative x the worker process dies at once (os._exit), as one killed by the
    operating system (out of memory, a crash in C code) would, without raising anything."""
    if x < 0:
        os._exit(70)
    time.sleep(0.01)
    return x * x


class WaitsForATask:
    """Work the caller does while its tasks run elsewhere: waits until one of them has finished.

    Called with no arguments, it waits until a task logged in `task_log_dir` (as TaskRecords, by
    StaggeredSquare) has finished, or until `patience_s` has passed, then returns how many had
    finished by then. It logs a TaskRecord with its item of its own in `log_dir`, whose item is that count, so
    a suite can tell where and when it ran, and whether the tasks were already under way.
    """

    def __init__(self, task_log_dir: str | os.PathLike, log_dir: str | os.PathLike,
                 patience_s: float = 3.0) -> None:
        self.task_log_dir = str(task_log_dir)
        self.log_dir = str(log_dir)
        self.patience_s = patience_s

    def __call__(self) -> int:
        start = TaskLog(self.log_dir).begin()
        deadline = start + self.patience_s
        finished = len(TaskLog(self.task_log_dir).read())
        while finished == 0 and time.monotonic() < deadline:
            notes.still_waiting()
            time.sleep(0.005)
            finished = len(TaskLog(self.task_log_dir).read())
        TaskLog(self.log_dir).write(TaskRecord.here(start, time.monotonic(), item=finished))
        return finished
