"""Tasks that wait instead of computing, fail on some inputs, or look things up in a table.

Used by why_processes (waits overlap even under the GIL) and best_practices (errors that
must be reported, stuck tasks that must be given up on, state that must travel with the task).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from student_runtime.workloads import notes
from student_runtime.workloads.tasks import TaskLog, TaskRecord


class WaitingSquare:
    """x * x after waiting `pause_s` without using the CPU, as a network request or a disk read does.

    It logs a TaskRecord (with CPU time near 0), so a suite can tell which process and thread
    ran each wait, and whether the waits overlapped.
    """

    def __init__(self, log_dir: str | os.PathLike, pause_s: float = 0.05) -> None:
        self.log_dir = str(log_dir)
        self.pause_s = pause_s

    def __call__(self, x: int) -> int:
        start, cpu_start = TaskLog(self.log_dir).begin(), time.thread_time()
        notes.pause(self.pause_s)
        TaskLog(self.log_dir).write(TaskRecord.here(start, time.monotonic(),
                                                    time.thread_time() - cpu_start))
        return x * x


class FailsOn:
    """Squares x, but raises ValueError for the inputs in `bad`, as a task with a bug would.

    It logs a TaskRecord for every input it is given, so a suite can tell which processes ran it.
    """

    def __init__(self, log_dir: str | os.PathLike, bad) -> None:
        self.log_dir = str(log_dir)
        self.bad = frozenset(bad)

    def __call__(self, x: int) -> int:
        start = time.monotonic()
        TaskLog(self.log_dir).write(TaskRecord.here(start, time.monotonic(), 0.0))
        if x in self.bad:
            raise ValueError(f"cannot process {x!r}")
        return x * x

    @staticmethod
    def error_text(x: int) -> str:
        """The error a failed input must be reported with: 'TypeName: message'."""
        return f"ValueError: cannot process {x!r}"


class SlowSquare:
    """Squares x after a pause of pause_s, for the inputs in `slow` (every input when None).

    With a long pause it is a stuck task. It notes in `log_dir` that a task has started, so
    that a suite can wait until the work is under way.
    """

    def __init__(self, log_dir: str | os.PathLike, pause_s: float, slow=None) -> None:
        self.log_dir = str(log_dir)
        self.pause_s = pause_s
        self.slow = None if slow is None else frozenset(slow)

    def __call__(self, x: int) -> int:
        notes.note(self.log_dir, "started", str(x))
        if self.slow is None or x in self.slow:
            notes.pause(self.pause_s)
        return x * x

    def started(self) -> int:
        """How many tasks have started so far."""
        return len(notes.noted(self.log_dir, "started"))


class LookupTable(dict):
    """A dict that notes which process looked a key up in it, one line per lookup."""

    def __init__(self, data, log_dir: str | os.PathLike) -> None:
        super().__init__(data)
        self.log_dir = str(log_dir)
        Path(self.log_dir).mkdir(parents=True, exist_ok=True)

    def __getitem__(self, key):
        notes.note(self.log_dir, "lookups")
        return super().__getitem__(key)

    def lookup_pids(self) -> set[int]:
        """The processes that looked at least one key up."""
        return lookup_pids(self.log_dir)


def lookup_pids(log_dir: str | os.PathLike) -> set[int]:
    """The processes that looked at least one key up in a LookupTable logging to log_dir."""
    return notes.noting_processes(log_dir, "lookups")
