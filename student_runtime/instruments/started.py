"""The processes the student's code started, as the student knows them (a Pool worker, a
Process running f()), and for whoever watches a call: which it started, which were joined.

remember_targets(), run once as the agent starts, patches BaseProcess.start and join and
Pool.__init__ for good; it is the kit's only patch of them. Every watch of what a call started
reads what it notes: ProcessWatch, and the watches built on it (Unjoined here, ExitWatch in
exits.py, WorkerWatch in pipe_peers.py, PoolsCreated in pools.py).
"""

from __future__ import annotations

import multiprocessing.process
import time
import weakref
from dataclasses import dataclass

# Process.start() forgets its target (to break a reference cycle), so it is noted here first.
_targets: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_joined: weakref.WeakSet = weakref.WeakSet()
# The watches open, each noting what is started while it watches.
_watches: list = []


@dataclass(frozen=True)
class Started:
    """A Process started while a watch was open: the object, its target, when it started."""

    process: object
    target: object
    at: float


class ProcessWatch:
    """The Processes started and the Pools created in this process while the watch is open."""

    def __init__(self) -> None:
        remember_targets()
        self.started: list[Started] = []
        self.pools: list[weakref.ref] = []
        _watches.append(self)

    def processes(self) -> list:
        """The Process objects started so far, in the order they started."""
        return [entry.process for entry in list(self.started)]

    def close(self) -> None:
        """Stop noting; what was noted stays."""
        if self in _watches:
            _watches.remove(self)


def was_joined(process) -> bool:
    """Whether join() returned with the process ended: polling exitcode or is_alive() collects
    the exit too, but leaves the process unjoined all the same."""
    return process in _joined


def remember_targets() -> None:
    """From now on, note the target of every Process started in this process, and hand each
    Process started, each join() after which it had ended and each Pool created to the watches
    open."""
    original = multiprocessing.process.BaseProcess.start
    if getattr(original, "remembers_targets", False):
        return
    original_join = multiprocessing.process.BaseProcess.join
    from multiprocessing import pool as pool_module

    original_pool_init = pool_module.Pool.__init__

    def start(self):
        target = _targets[self] = getattr(self, "_target", None)
        result = original(self)
        now = time.monotonic()
        for watch in list(_watches):
            watch.started.append(Started(self, target, now))
        return result

    def join(self, timeout=None):
        joined = original_join(self, timeout)
        if getattr(self._popen, "returncode", None) is not None:
            _joined.add(self)
        return joined

    def pool_init(self, *args, **kwargs):
        original_pool_init(self, *args, **kwargs)
        for watch in list(_watches):
            watch.pools.append(weakref.ref(self))

    start.remembers_targets = True
    multiprocessing.process.BaseProcess.start = start
    multiprocessing.process.BaseProcess.join = join
    pool_module.Pool.__init__ = pool_init


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


class Unjoined(ProcessWatch):
    """Watches the processes started from now on; says which ended without being joined."""

    def _not_joined(self) -> list:
        return [proc for proc in self.processes()
                if proc._popen is not None and not was_joined(proc)]

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
        self.close()


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
