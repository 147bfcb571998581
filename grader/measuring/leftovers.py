"""What a check left behind: processes still running, or never joined, named as the student knows them.

psutil sees a leftover process only as a pid and a command line, and under fork that command line
is the grader's own. The Process objects the student's code created in the grading process know
more: a Pool's worker, an executor's worker, a Manager's server, or a Process running a named
function. Each kind gets the advice that fits it: a pool wants `with`, a child that never ends
wants terminate() then join(), and "join every process" would hang on that one.
"""

from __future__ import annotations

import multiprocessing.process
import time
import weakref
from collections import Counter
from dataclasses import dataclass

from grader.running import system

MAX_LISTED = 4

POOL_ADVICE = ("create the pool in a `with Pool(...) as pool:` block, which stops its workers when "
               "the block ends (without `with`: close() then join() once every task is done, or "
               "terminate() then join() to stop tasks still running)")
EXECUTOR_ADVICE = "use `with ProcessPoolExecutor(...) as executor:` (or call shutdown())"
MANAGER_ADVICE = "use `with Manager() as manager:` (or call shutdown())"
PROCESS_ADVICE = ("join() every process you start; one that may never end must be stopped with "
                  "terminate() and then join()")
GRANDCHILD_ADVICE = ("a process your child started must be joined (or terminated and joined) by "
                     "that child before it exits")
MODULE_POOL_ADVICE = (
    "create the pool inside the function, in a `with Pool(...) as pool:` block, instead of keeping "
    "it in the module-level `{names}`"
)
MODULE_POOL_HANG = (
    "Your module keeps a pool in the module-level `{names}`: a pool kept at module level outlives "
    "every call, and once its workers are stopped (the grader stops processes left running after "
    "each check) or crash, it waits forever. Create the pool inside the function, in a "
    "`with Pool(...) as pool:` block."
)
UNJOINED = (
    "{what} was ended with terminate() but never joined, so its exit was never collected: it "
    "stays in the process table as a zombie, and its exitcode is never set. Call join() right "
    "after terminate()."
)


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


@dataclass(frozen=True)
class Started:
    """A process the student's code started from the grading process, as the student knows it."""

    pid: int
    kind: str  # "pool", "executor", "manager" or "process"
    label: str


def started_processes() -> dict[int, Started]:
    """The processes started from this process and not yet joined, by pid."""
    found = {}
    for proc in list(multiprocessing.process._children):
        pid = proc.pid
        if pid is not None:
            found[pid] = _classify(proc)
    return found


def _classify(proc) -> Started:
    target = _targets.get(proc)
    module = getattr(target, "__module__", "") or ""
    name = getattr(target, "__qualname__", getattr(target, "__name__", "")) or ""
    if module == "multiprocessing.pool" or "PoolWorker" in proc.name:
        return Started(proc.pid, "pool", "a Pool worker")
    if module == "concurrent.futures.process":
        return Started(proc.pid, "executor", "a ProcessPoolExecutor worker")
    if module == "multiprocessing.managers":
        return Started(proc.pid, "manager", "a Manager's server process")
    if name:
        return Started(proc.pid, "process", f"a Process running {name}()")
    return Started(proc.pid, "process", f"a {type(proc).__name__}")


def module_level_pools(module) -> list[str]:
    """The names of the module's globals that hold a process pool or executor."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.pool import Pool

    return sorted(name for name, value in vars(module).items()
                  if isinstance(value, (Pool, ProcessPoolExecutor)))


def describe_leftovers(pids: list[int], started: dict[int, Started],
                       module_pools: list[str] = ()) -> str:
    """One message for processes still running after a check: what they were and what to do."""
    kinds = Counter()
    labels = []
    for pid in pids:
        known = started.get(pid)
        kinds[known.kind if known else "grandchild"] += 1
        labels.append(f"{known.label} (pid {pid})" if known else f"a process started by one of "
                      f"your processes (pid {pid})")
    shown = ", ".join(labels[:MAX_LISTED])
    if len(labels) > MAX_LISTED:
        shown += f" and {len(labels) - MAX_LISTED} more"
    pool_advice = (MODULE_POOL_ADVICE.format(names="`, `".join(module_pools)) if module_pools
                   else POOL_ADVICE)
    advice = {"pool": pool_advice, "executor": pool_advice if module_pools else EXECUTOR_ADVICE,
              "manager": MANAGER_ADVICE, "process": PROCESS_ADVICE,
              "grandchild": GRANDCHILD_ADVICE}
    todo = "; ".join(advice[kind] for kind in kinds)
    return (f"left {len(pids)} process(es) running after it returned: {shown}. To fix it, "
            f"{todo}")


def unjoined_since(before: set) -> list:
    """Processes started after `before` was taken whose exit status nobody collected.

    A process leaves multiprocessing's own registry when join() (or is_alive()) sees it end;
    one still there, with no return code read, was never waited for.
    """
    return [proc for proc in list(multiprocessing.process._children)
            if proc not in before and proc._popen is not None and proc._popen.returncode is None]


def snapshot() -> set:
    """The processes started from this process and not yet joined, to compare with later."""
    return set(multiprocessing.process._children)


def ended_but_unjoined(before: set, wait_s: float = 1.0) -> list:
    """Processes started after `before` that have ended but were never joined.

    A child that was just terminated may take a moment to die, so this waits up to wait_s for
    the unjoined ones to stop; one still running then is a leftover, not an unjoined process.
    """
    unjoined = unjoined_since(before)
    deadline = time.monotonic() + wait_s
    while any(system.is_running(p.pid) for p in unjoined) and time.monotonic() < deadline:
        time.sleep(0.02)
    return [p for p in unjoined if not system.is_running(p.pid)]


def reap(processes: list) -> None:
    """Collect the exit status of processes that have ended, as their join() would have."""
    for process in processes:
        process.join(0.5)
