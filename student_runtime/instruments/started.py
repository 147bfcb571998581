"""The processes the student's code started, as the student knows them (a Pool worker, a
Process running f()), and whether their exits were collected."""

from __future__ import annotations

import multiprocessing.process
import os
import time
import weakref

# Process.start() forgets its target (to break a reference cycle), so it is noted here first.
_targets: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def remember_targets() -> None:
    """From now on, note the target of every Process started in this process."""
    original = multiprocessing.process.BaseProcess.start
    if getattr(original, "remembers_targets", False):
        return

    def start(self):
        _targets[self] = getattr(self, "_target", None)
        return original(self)

    start.remembers_targets = True
    multiprocessing.process.BaseProcess.start = start


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
    """Watches the processes started from now on; says which ended without being joined."""

    def __init__(self) -> None:
        self.before = set(multiprocessing.process._children)

    def _not_collected(self) -> list:
        return [proc for proc in list(multiprocessing.process._children)
                if proc not in self.before and proc._popen is not None
                and proc._popen.returncode is None]

    def ended(self, wait_s: float = 1.0) -> list[int]:
        """Pids of processes started since that ended but were never joined.

        A child that was just terminated may take a moment to die, so this waits up to wait_s
        for them to stop; one still running then is a leftover, not an unjoined process.
        """
        unjoined = self._not_collected()
        deadline = time.monotonic() + wait_s
        while any(_running(p.pid) for p in unjoined) and time.monotonic() < deadline:
            time.sleep(0.02)
        return [p.pid for p in unjoined if not _running(p.pid)]

    def labels(self, pids: list[int]) -> dict[int, list[str]]:
        """pid -> [kind, label] for these processes."""
        return {p.pid: _classify(p) for p in list(multiprocessing.process._children)
                if p.pid in pids}

    def reap(self) -> None:
        """Collect the exit status of the ended ones, as their join() would have."""
        for proc in self._not_collected():
            if not _running(proc.pid):
                proc.join(0.5)


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
