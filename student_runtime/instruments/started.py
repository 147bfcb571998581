"""The processes the student's code started, as the student knows them (a Pool worker, a
Process running f()), and whether their exits were collected."""

from __future__ import annotations

import multiprocessing.process
import os
import time
import weakref

# Process.start() forgets its target (to break a reference cycle), so it is noted here first.
_targets: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_joined: weakref.WeakSet = weakref.WeakSet()
# The Unjoined watches open; each keeps the processes started while it watches.
_watches: list = []


def remember_targets() -> None:
    """From now on, note the target of every Process started in this process, hand it to the
    Unjoined watches open, and note every join() after which the process had ended."""
    original = multiprocessing.process.BaseProcess.start
    if getattr(original, "remembers_targets", False):
        return
    original_join = multiprocessing.process.BaseProcess.join

    def start(self):
        _targets[self] = getattr(self, "_target", None)
        started = original(self)
        for watch in _watches:
            watch.started.append(self)
        return started

    def join(self, timeout=None):
        joined = original_join(self, timeout)
        if getattr(self._popen, "returncode", None) is not None:
            _joined.add(self)
        return joined

    start.remembers_targets = True
    multiprocessing.process.BaseProcess.start = start
    multiprocessing.process.BaseProcess.join = join


def _classify(proc) -> list[str]:
    target = _targets.get(proc)
    module = getattr(target, "__module__", "") or ""
    name = getattr(target, "__qualname__", getattr(target, "__name__", "")) or ""
    if module == "multiprocessing.pool" or "PoolWorker" in proc.name:
        return ["pool", "a Pool worker"]
    if module == "concurrent.futures.process":
        return ["executor", "a ProcessPoolExecutor worker"]
    if module == "multiprocessing.managers":
        return ["manager", "a Manager's server process"]
    if name:
        return ["process", f"a Process running {name}()"]
    return ["process", f"a {type(proc).__name__}"]


def started_processes() -> dict[int, list[str]]:
    """The processes started from this process and not yet joined: pid -> [kind, label]."""
    return {proc.pid: _classify(proc) for proc in list(multiprocessing.process._children)
            if proc.pid is not None}


def module_level_pools(module) -> list[str]:
    """The names of the module's globals that hold a process pool or executor."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.pool import Pool

    return sorted(name for name, value in vars(module).items()
                  if isinstance(value, (Pool, ProcessPoolExecutor)))


class Unjoined:
    """Watches the processes started from now on; says which ended without being joined.

    Whether a process was joined is noted by join() itself: polling its exitcode also collects
    its exit, but leaves the process unjoined all the same.
    """

    def __init__(self) -> None:
        self.started: list = []
        _watches.append(self)

    def _not_joined(self) -> list:
        return [proc for proc in self.started
                if proc._popen is not None and proc not in _joined]

    def ended(self, wait_s: float = 1.0) -> list[int]:
        """Pids of processes started since that ended but were never joined.

        A child that was just terminated may take a moment to die, so this waits up to wait_s
        for them to stop; one still running then is a leftover, not an unjoined process.
        """
        unjoined = self._not_joined()
        deadline = time.monotonic() + wait_s
        while any(_running(p.pid) for p in unjoined) and time.monotonic() < deadline:
            time.sleep(0.02)
        return [p.pid for p in unjoined if not _running(p.pid)]

    def reap(self) -> None:
        """Collect the exit status of the ended ones, as their join() would have, and stop
        watching."""
        for proc in self._not_joined():
            if not _running(proc.pid):
                proc.join(0.5)
        if self in _watches:
            _watches.remove(self)


def _running(pid: int) -> bool:
    """Whether this child is still running (a zombie has finished)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        pass
    try:
        import psutil

        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except Exception:  # noqa: BLE001 - gone, or not ours to see
        return False
