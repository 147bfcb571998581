"""The pipeline topic's work: queues that script one stage, and transforms that record their runs.

- ScriptedQueue stands in for a multiprocessing.Queue when one stage function is called on its
  own in the student's process: get() hands out a fixed list of messages and put() keeps what
  the stage sends on. A stage that asks for more than it was given would wait forever on a real
  queue; here it is stopped at once, and told so. sent_messages() reads back what a stage sent,
  its SENTINEL marked, so that it travels to the grader as plain data whatever the SENTINEL is.
- OutOfOrder and BreaksOn are transforms handed to the student's pipeline. They pickle by name
  under every start method and log a TaskRecord with their item, so a suite can tell which
  process transformed what, when, and what went on after a failure.
"""

from __future__ import annotations

import os
import pickle
import time
from collections import deque
from pathlib import Path

from student_runtime.workloads import notes
from student_runtime.workloads.tasks import TaskLog, TaskRecord


class QueueRanDry(AssertionError):
    """A stage asked a ScriptedQueue for a message after the last one it was given."""


class ScriptedQueue:
    """A queue for one stage called in the grading process: scripted messages in, sent ones kept.

    It answers get(), get_nowait(), put(), put_nowait(), empty() and qsize() like a
    multiprocessing.Queue that nobody else uses, except that a get() once the script is used up
    raises QueueRanDry instead of waiting for a message that can never come.
    """

    def __init__(self, script=()) -> None:
        self._script = deque(script)
        self.scripted = len(self._script)
        self.sent: list = []

    @property
    def taken(self) -> int:
        """How many scripted messages the stage has taken so far."""
        return self.scripted - len(self._script)

    def get(self, block: bool = True, timeout: float | None = None):
        if not self._script:
            raise QueueRanDry(f"asked for message #{self.scripted + 1}, after all {self.scripted} "
                              "there were, so on a real queue it would have waited forever")
        return self._script.popleft()

    def get_nowait(self):
        return self.get(block=False)

    def put(self, message, block: bool = True, timeout: float | None = None) -> None:
        self.sent.append(message)

    def put_nowait(self, message) -> None:
        self.put(message, block=False)

    def empty(self) -> bool:
        return not self._script

    def qsize(self) -> int:
        return len(self._script)

    def close(self) -> None:
        """Nothing to release: the stage may close its queue as it would a real one."""

    def join_thread(self) -> None:
        """Nothing to flush: messages are kept as soon as they are put."""

    def cancel_join_thread(self) -> None:
        """Nothing to flush: messages are kept as soon as they are put."""


def survives_pickling(sentinel) -> bool:
    """Whether the copy another process gets of sentinel (through a Queue) is, or equals, it."""
    copy = pickle.loads(pickle.dumps(sentinel))
    return bool(copy is sentinel or copy == sentinel)


def sent_messages(queue: ScriptedQueue, sentinel, mark) -> list:
    """What was put on queue, with every message that is (or equals) sentinel replaced by mark.

    A SENTINEL that is not plain data (an object, an Enum member) could not travel back to the
    grader inside the list; mark can.
    """
    return [mark if message is sentinel or _equal(message, sentinel) else message
            for message in queue.sent]


def _equal(message, sentinel) -> bool:
    try:
        return bool(message == sentinel)
    except Exception:  # noqa: BLE001 - a message whose == raises (an array) is not the sentinel
        return False


class OutOfOrder:
    """x * x after a pause that shrinks as x grows, so later items finish first; logs its item.

    Items travel down a pipeline in order, so each worker takes the next one as it frees up: with
    item x paused (last - x) * step_s, item 1 is done before item 0 and so on, and results reach
    the collector out of order. That holds only if two workers are running when the pauses begin,
    so the first call in a process waits (up to rendezvous_s) until a second process has been
    called too. The pauses use no CPU.
    """

    def __init__(self, log_dir: str | os.PathLike, last: int, step_s: float = 0.04,
                 rendezvous_s: float = 2.0) -> None:
        self.log_dir = str(log_dir)
        self.last = last
        self.step_s = step_s
        self.rendezvous_s = rendezvous_s
        Path(self.log_dir).mkdir(parents=True, exist_ok=True)

    def _meet_a_second_worker(self) -> None:
        arrived = Path(self.log_dir) / f"{os.getpid()}.arrived"
        if arrived.exists():
            return
        arrived.touch()
        deadline = time.monotonic() + self.rendezvous_s
        while (len(list(Path(self.log_dir).glob("*.arrived"))) < 2
               and time.monotonic() < deadline):
            notes.still_waiting()
            time.sleep(0.005)

    def __call__(self, x: int) -> int:
        self._meet_a_second_worker()
        start = TaskLog(self.log_dir).begin()
        notes.pause(max(0.0, (self.last - x) * self.step_s))
        TaskLog(self.log_dir).write(TaskRecord.here(start, time.monotonic(), item=x))
        return x * x


class BreaksOn:
    """x * x after pause_s; item `broken` raises ValueError, or with crash=True kills its worker.

    The crash is an os._exit, as when the operating system kills a worker (out of memory, a
    crash in C code): nothing is raised and nothing is sent. Called in the process that created
    it (code that transforms in the student's process itself), it raises instead, so that it
    never kills the process the grader calls into: build it there (`student.make`). Every call
    logs a TaskRecord with its item when it starts, so a suite can count the items transformed
    after the failure, and see where they were transformed.
    """

    EXIT_CODE = 70

    def __init__(self, log_dir: str | os.PathLike, broken: int, pause_s: float,
                 crash: bool = False, slow: dict[int, float] | None = None) -> None:
        self.log_dir = str(log_dir)
        self.broken = broken
        self.pause_s = pause_s
        self.crash = crash
        # Items that take this long instead of pause_s; the broken one, this long before it fails.
        self.slow = dict(slow or {})
        self.home_pid = os.getpid()

    def __call__(self, x: int) -> int:
        now = time.monotonic()
        TaskLog(self.log_dir).write(TaskRecord.here(now, now, item=x))
        if x == self.broken:
            if self.crash and os.getpid() != self.home_pid:
                notes.pause(self.slow.get(x, 0.0))
                os._exit(self.EXIT_CODE)
            raise ValueError(self.error_text())
        notes.pause(self.slow.get(x, self.pause_s))
        return x * x

    def error_text(self) -> str:
        """The message of the ValueError that the broken item raises."""
        return f"cannot transform item {self.broken}"
