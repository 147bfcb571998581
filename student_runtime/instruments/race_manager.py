"""A Manager whose dict, Namespace and Lock make lost updates show on every run.

`votes[name] += 1` on a manager dict is two round trips to the manager's process: a read, then a
write. Another process's write can fall in between, but only within the tens of microseconds of
one round trip, so plain tests miss it some of the time. The manager here serves stand-ins
that behave like the real dict, Namespace and Lock, with three differences, all in the server:

- a read made by a worker that does not hold the manager's lock pauses after reading (the value
  is already taken, so the window between the read and the write widens to about a millisecond);
- the workers' first calls wait until all of them are there, so that they run together (a worker
  that waits there while holding a lock of its own keeps the others out until START_TIMEOUT_S
  has passed; then all go on);
- every write notes which process made it and whether that process held the lock.

The server serves each client on a thread of its own, so unlocked read-modify-writes from
different workers interleave in that window and lose updates every time, while code that holds
the lock, or merges local counts once under it, is neither slowed nor ever loses one. The
process that started the manager (the student's process the grader calls into) is never paused
or held back.

The grader starts it in the student's process (start_race_manager, through student.make), so
that the manager's server, which unpickles its clients' messages, never runs in the grader. Its
tallies are that process tree's own account; the grader words its messages with them.
"""

from __future__ import annotations

import os
import threading
import time
from multiprocessing.managers import (AcquirerProxy, BaseProxy, DictProxy, Namespace,
                                      NamespaceProxy, SyncManager)

WINDOW_S = 0.001
START_TIMEOUT_S = 1.0


class _Arena:
    """What the server knows about the race: who takes part, who holds a lock, who wrote."""

    def __init__(self, window_s: float, workers: int, creator: int) -> None:
        self.window_s = window_s
        self.workers = workers
        self.creator = creator
        self._changed = threading.Condition()
        self._arrived: set[int] = set()
        self._first_arrival: float | None = None
        self._last_arrival: float | None = None
        self._caller_pid: dict[int, int] = {}  # server thread -> the client process it serves
        self.locks: list[TrackedLock] = []
        self.writes = 0
        self.unlocked_writes = 0
        self.writer_pids: set[int] = set()

    def arrive(self, pid: int) -> None:
        """A client's first call from process `pid`: note it; hold a worker until all are here."""
        with self._changed:
            self._caller_pid[threading.get_ident()] = pid
            if pid == self.creator or pid in self._arrived or self.workers < 2:
                return
            self._arrived.add(pid)
            self._last_arrival = time.monotonic()
            if self._first_arrival is None:
                self._first_arrival = self._last_arrival
            self._changed.notify_all()
            # Fewer workers than expected may come; the rest go on at the deadline.
            deadline = self._first_arrival + START_TIMEOUT_S
            self._changed.wait_for(lambda: len(self._arrived) >= self.workers,
                                   timeout=max(0.0, deadline - time.monotonic()))

    def _caller_holds_a_lock(self) -> bool:
        me = threading.get_ident()
        return any(lock.owner == me for lock in self.locks)

    def after_read(self) -> None:
        """Widen the window between a worker's unlocked read and its write."""
        pid = self._caller_pid.get(threading.get_ident())
        if self.window_s and pid != self.creator and not self._caller_holds_a_lock():
            time.sleep(self.window_s)

    def before_write(self) -> None:
        with self._changed:
            self.writes += 1
            pid = self._caller_pid.get(threading.get_ident())
            if pid is not None:
                self.writer_pids.add(pid)
            if not self._caller_holds_a_lock():
                self.unlocked_writes += 1

    def report(self) -> dict:
        with self._changed:
            spread = (self._last_arrival - self._first_arrival) if self._arrived else 0.0
            return {"writes": self.writes, "unlocked_writes": self.unlocked_writes,
                    "writer_pids": sorted(self.writer_pids), "workers_arrived": len(self._arrived),
                    "arrival_spread_s": round(spread, 3)}


_arena: _Arena | None = None


def _open_arena(window_s: float, workers: int, creator: int) -> None:
    """Runs in the manager's process as it starts."""
    global _arena
    _arena = _Arena(window_s, workers, creator)


class TrackedLock:
    """A lock in the manager's process that knows which server thread (so which client) holds it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.owner: int | None = None
        _arena.locks.append(self)

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        acquired = self._lock.acquire(blocking, timeout)
        if acquired:
            self.owner = threading.get_ident()
        return acquired

    def release(self) -> None:
        self.owner = None
        self._lock.release()

    def arrive(self, pid: int) -> None:
        _arena.arrive(pid)


class SlowDict(dict):
    """A dict in the manager's process whose reads widen the race window."""

    def arrive(self, pid: int) -> None:
        _arena.arrive(pid)

    def __getitem__(self, key):
        value = super().__getitem__(key)
        _arena.after_read()
        return value

    def get(self, key, default=None):
        value = super().get(key, default)
        _arena.after_read()
        return value

    def setdefault(self, key, default=None):
        value = super().setdefault(key, default)
        _arena.after_read()
        return value

    def __setitem__(self, key, value) -> None:
        _arena.before_write()
        super().__setitem__(key, value)

    def update(self, *args, **kwargs) -> None:
        _arena.before_write()
        super().update(*args, **kwargs)


class SlowNamespace(Namespace):
    """A Namespace in the manager's process whose attribute reads widen the race window."""

    def arrive(self, pid: int) -> None:
        _arena.arrive(pid)

    def __getattribute__(self, name: str):
        value = object.__getattribute__(self, name)
        # The server looks up methods by name too; only the data attributes are reads.
        if not name.startswith("_") and name != "arrive":
            _arena.after_read()
        return value

    def __setattr__(self, name: str, value) -> None:
        _arena.before_write()
        object.__setattr__(self, name, value)


class _ArenaView:
    def report(self) -> dict:
        return _arena.report()


class _Arriving:
    """Proxy mixin: the first call from each process and thread announces the caller's pid."""

    def _callmethod(self, methodname, args=(), kwds={}):
        caller = (os.getpid(), threading.get_ident())
        if getattr(self, "_arrived_as", None) != caller:
            super()._callmethod("arrive", (caller[0],))
            self._arrived_as = caller
        return super()._callmethod(methodname, args, kwds)


class ArrivingDictProxy(_Arriving, DictProxy):
    _exposed_ = tuple(DictProxy._exposed_) + ("arrive",)


class ArrivingNamespaceProxy(_Arriving, NamespaceProxy):
    _exposed_ = tuple(NamespaceProxy._exposed_) + ("arrive",)


class ArrivingLockProxy(_Arriving, AcquirerProxy):
    _exposed_ = tuple(AcquirerProxy._exposed_) + ("arrive",)


class ArenaProxy(BaseProxy):
    """A view of the arena: report() gives its tallies."""

    _exposed_ = ("report",)

    def report(self) -> dict:
        return self._callmethod("report")


class RaceManager(SyncManager):
    """A SyncManager whose dict, Namespace and Lock are the race-widening stand-ins."""


RaceManager.register("dict", SlowDict, ArrivingDictProxy)
RaceManager.register("Namespace", SlowNamespace, ArrivingNamespaceProxy)
RaceManager.register("Lock", TrackedLock, ArrivingLockProxy)
RaceManager.register("arena", _ArenaView, ArenaProxy)


def start_race_manager(workers: int, window_s: float = WINDOW_S) -> RaceManager:
    """A started RaceManager for `workers` worker processes, started by this process (which is
    never paused); call shutdown() when done.

    window_s=0 keeps the common start and the tallies but adds no pause.
    """
    manager = RaceManager()
    manager.start(_open_arena, (window_s, workers, os.getpid()))
    return manager


def read_costs(proxy, key=None, attribute: str | None = None, calls: int = 100,
               batches: int = 3) -> tuple[float, float]:
    """The fastest time of one read, in microseconds, over a few batches: of `proxy[key]` (or
    of `proxy.<attribute>`), and of a plain dict's item."""
    local = {"key": 0}

    def through_proxy():
        return proxy[key] if attribute is None else getattr(proxy, attribute)

    def fastest_us(read, count: int) -> float:
        fastest = float("inf")
        for _ in range(batches):
            start = time.perf_counter()
            for _ in range(count):
                read()
            fastest = min(fastest, (time.perf_counter() - start) / count)
        return fastest * 1e6

    return fastest_us(through_proxy, calls), fastest_us(lambda: local["key"], calls * 100)
