"""The thread callbacks run on, and a tracker that makes races with it show on every run.

A Pool runs `callback` and `error_callback` on a thread of the caller's process, its result
thread, while the caller's main thread goes on submitting. State both threads change, such as a
count of tasks in flight, needs a lock: `tracker.in_flight += 1` is a read, an add and a write,
and the other thread can write in between. The window is a few bytecodes wide, so plain tests
miss it.

RaceAmplifiedTracker is the object the suite hands to student code, built in the student's
process (student.make), where the callbacks run. A read of one of its counters made without
holding `tracker.lock` pauses before returning, so the two threads interleave there. Every
counter also keeps a version: a write whose thread read the counter before another thread
changed it overwrites that change, and is counted as a lost update, even when two lost updates
would cancel out in the final value. Locked code is not slowed and never loses an update. What
it counts is the student's process speaking about itself: the grader words its messages with it.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict

# Longer than a race check's task, so that a callback lands inside a paused read.
WINDOW_S = 0.015


class OwnedThreadLock:
    """A threading.Lock that also knows which thread holds it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        acquired = self._lock.acquire(blocking, timeout)
        if acquired:
            self._owner = threading.get_ident()
        return acquired

    def release(self) -> None:
        self._owner = None
        self._lock.release()

    def __enter__(self) -> "OwnedThreadLock":
        self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()

    def locked(self) -> bool:
        return self._lock.locked()

    def held_by_caller(self) -> bool:
        return self._owner == threading.get_ident()


class _Counter:
    """A tracker attribute whose reads and writes go through the tracker's bookkeeping."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, tracker, owner=None):
        if tracker is None:
            return self
        return tracker._read(self.name)

    def __set__(self, tracker, value) -> None:
        tracker._write(self.name, value)


class RaceAmplifiedTracker:
    """Progress of a batch of tasks, kept by the caller's main thread and by callbacks.

    in_flight: tasks handed to the pool whose callback has not run yet; done: tasks that
    returned; failed: tasks that raised; results and errors: item -> result, item -> exception;
    lock: a threading.Lock to hold around every read-modify-write of the counters.
    """

    COUNTERS = ("in_flight", "done", "failed")
    in_flight = _Counter()
    done = _Counter()
    failed = _Counter()

    def __init__(self, window_s: float = WINDOW_S) -> None:
        self.lock = OwnedThreadLock()
        self.results: dict = {}
        self.errors: dict = {}
        self._window_s = window_s
        # Guards the bookkeeping below, never held while a read pauses.
        self._books = threading.Lock()
        self._values = dict.fromkeys(self.COUNTERS, 0)
        self._versions = dict.fromkeys(self.COUNTERS, 0)
        self._read_versions: dict[tuple[int, str], int] = {}
        self._writers: dict[str, set[int]] = defaultdict(set)
        self.lost_updates = 0
        self.unlocked_writes = 0

    def _read(self, name: str):
        with self._books:
            self._read_versions[(threading.get_ident(), name)] = self._versions[name]
            value = self._values[name]
        if self._window_s and not self.lock.held_by_caller():
            time.sleep(self._window_s)
        return value

    def _write(self, name: str, value) -> None:
        thread = threading.get_ident()
        with self._books:
            read_version = self._read_versions.pop((thread, name), None)
            if read_version is not None and read_version != self._versions[name]:
                # Computed from a value another thread has changed since: that change is lost.
                self.lost_updates += 1
            if not self.lock.held_by_caller():
                self.unlocked_writes += 1
            self._versions[name] += 1
            self._values[name] = value
            self._writers[name].add(thread)

    def snapshot(self) -> dict:
        """The counters now, read without pausing."""
        with self._books:
            return dict(self._values)

    def writer_threads(self, name: str) -> int:
        """How many threads wrote this counter."""
        with self._books:
            return len(self._writers[name])

    def __reduce__(self):
        raise TypeError("the tracker cannot be pickled: it lives in the caller's process, where "
                        "callbacks run; update it there, not in a worker")

    def __repr__(self) -> str:
        return f"<tracker {self.snapshot()}>"
