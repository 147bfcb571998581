"""Shared objects that make races show on every run instead of once in a while.

An unlocked `counter.value += 1` is a read, an add and a write. Two processes lose an update
only when one reads between the other's read and write, a window of nanoseconds, so plain tests
miss it most of the time. These stand-ins for multiprocessing.Value and Array behave the same,
but a read made without holding the object's own lock pauses before returning, widening that
window to a fraction of a millisecond; workers are also released together by a barrier on
their first access. Locked code is not slowed and never loses an update; unlocked code loses
many, every time. Every write made without the lock is counted as well.

They live in the student's process (the grader builds them there with student.make) and reach
its workers as a Value does, through Process args or a Pool initializer. What they count is the
student's process speaking about itself: the grader words its messages with it.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

WINDOW_S = 0.0005
START_TIMEOUT_S = 2.0
MAX_WRITERS = 64


class OwnedLock:
    """A multiprocessing lock that also knows, in each process, whether the caller holds it."""

    def __init__(self, lock) -> None:
        self._lock = lock
        self._owner: int | None = None
        self._depth = 0

    def acquire(self, block: bool = True, timeout: float | None = None) -> bool:
        acquired = self._lock.acquire(block, timeout)
        if acquired:
            self._owner = threading.get_ident()
            self._depth += 1
        return acquired

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._owner = None
        self._lock.release()

    __enter__ = acquire

    def __exit__(self, *exc_info) -> None:
        self.release()

    def held_by_caller(self) -> bool:
        return self._owner == threading.get_ident()

    def __getstate__(self):
        # Who holds the lock is a fact about one process; a copy in a new process holds nothing.
        return {"_lock": self._lock}

    def __setstate__(self, state) -> None:
        self.__dict__.update(state, _owner=None, _depth=0)


class _RaceAmplified:
    """What the Value and Array stand-ins share: the lock, the window, the barrier, the tallies."""

    def __init__(self, shared, ctx, window_s: float, workers: int) -> None:
        self._shared = shared
        self._lock = OwnedLock(shared.get_lock())
        self._window_s = window_s
        self._unlocked_writes = ctx.Value("q", 0)
        self._writers = ctx.Array("q", MAX_WRITERS)
        self._barrier = ctx.Barrier(workers) if workers > 1 else None
        self._creator = os.getpid()
        self._released_pid = 0

    def get_lock(self) -> OwnedLock:
        """The lock that guards this object, as with multiprocessing.Value.get_lock()."""
        # Wait here too: a worker that waited only on its first read would wait holding the lock.
        self._await_start()
        return self._lock

    def get_obj(self):
        return self._shared.get_obj()

    def _await_start(self) -> None:
        """In each worker, the first touch waits until all workers are there, then all go."""
        pid = os.getpid()
        if self._barrier is not None and pid != self._creator and self._released_pid != pid:
            self._released_pid = pid
            try:
                self._barrier.wait(START_TIMEOUT_S)
            except threading.BrokenBarrierError:
                pass  # fewer workers than expected arrived; go on without the common start

    def _before_read(self) -> None:
        self._await_start()

    def _after_unlocked_read(self) -> None:
        if not self._lock.held_by_caller() and self._window_s:
            time.sleep(self._window_s)

    def _before_write(self) -> None:
        self._await_start()
        if not self._lock.held_by_caller():
            with self._unlocked_writes.get_lock():
                self._unlocked_writes.value += 1
        pid = os.getpid()
        with self._writers.get_lock():
            slots = self._writers.get_obj()
            for i in range(MAX_WRITERS):
                if slots[i] in (0, pid):
                    slots[i] = pid
                    break

    @property
    def unlocked_writes(self) -> int:
        """How many writes were made without holding get_lock()."""
        return self._unlocked_writes.value

    @property
    def writer_pids(self) -> set[int]:
        """The processes that wrote to this object."""
        return {pid for pid in self._writers[:] if pid}


class RaceAmplifiedValue(_RaceAmplified):
    """A stand-in for multiprocessing.Value(typecode) whose unlocked reads widen the race window.

    Pass it where a Value goes: Process(args=...) or a Pool initializer. `workers` is how many
    processes the suite expects to touch it; they start together.
    """

    def __init__(self, typecode: str = "q", value: int = 0, *, ctx=None,
                 window_s: float = WINDOW_S, workers: int = 0) -> None:
        ctx = ctx or multiprocessing.get_context()
        super().__init__(ctx.Value(typecode, value), ctx, window_s, workers)

    @property
    def value(self):
        self._before_read()
        current = self._shared.value
        self._after_unlocked_read()
        return current

    @value.setter
    def value(self, new) -> None:
        self._before_write()
        self._shared.value = new

    def snapshot(self):
        """The value, read without widening any window."""
        return self._shared.value

    def __repr__(self) -> str:
        return f"<RaceAmplifiedValue value={self._shared.value}>"


class RaceAmplifiedArray(_RaceAmplified):
    """A stand-in for multiprocessing.Array(typecode, size) whose unlocked reads widen the window."""

    def __init__(self, typecode: str = "q", size: int = 0, *, ctx=None,
                 window_s: float = WINDOW_S, workers: int = 0) -> None:
        ctx = ctx or multiprocessing.get_context()
        super().__init__(ctx.Array(typecode, size), ctx, window_s, workers)

    def __len__(self) -> int:
        return len(self._shared)

    def __getitem__(self, index):
        self._before_read()
        current = self._shared[index]
        self._after_unlocked_read()
        return current

    def __setitem__(self, index, new) -> None:
        self._before_write()
        self._shared[index] = new

    def snapshot(self) -> list:
        """The contents, read without widening any window."""
        return self._shared[:]

    def __repr__(self) -> str:
        return f"<RaceAmplifiedArray {self._shared[:]}>"
