"""How the processes a call started ended, as the grader saw it, whatever the call returned.

watch_exits() keeps every Process started in this process while its block runs; when the block
ends it notes, for each, whether the code joined it, and its exit code (None while it still
runs). Pool, executor and Manager workers are left out: their pool starts and stops them, and
ends them with terminate() on purpose. describe_exit_problems() words what went wrong: a process
still running, one never joined, one that ended with a non-zero code.
"""

from __future__ import annotations

import multiprocessing.process
from contextlib import contextmanager
from dataclasses import dataclass

MAX_LISTED = 4
# The modules whose Processes belong to a pool or a Manager rather than to the student's code.
_MANAGED_BY = ("multiprocessing.pool", "multiprocessing.managers", "concurrent.futures.process")


@dataclass(frozen=True)
class Exit:
    """One process the call started: what it ran, and how it ended."""

    label: str  # "a Process running consume()", as the student knows it
    pid: int | None
    joined: bool
    exitcode: int | None  # None: still running when the call returned

    def __str__(self) -> str:
        return f"{self.label} (pid {self.pid})"


def _label(process, target) -> str:
    name = getattr(target, "__qualname__", None) or getattr(target, "__name__", None)
    if name:
        return f"a Process running {name}()"
    return f"a {type(process).__name__}"


@contextmanager
def watch_exits():
    """Yield a list that, when the block ends, holds an Exit for every Process it started."""
    started = []
    original = multiprocessing.process.BaseProcess.start

    def start(self):
        # start() forgets the target, so it is noted first.
        started.append((self, getattr(self, "_target", None)))
        return original(self)

    multiprocessing.process.BaseProcess.start = start
    exits: list[Exit] = []
    try:
        yield exits
    finally:
        multiprocessing.process.BaseProcess.start = original
        for process, target in started:
            if getattr(target, "__module__", "") in _MANAGED_BY or "PoolWorker" in process.name:
                continue
            popen = process._popen
            if popen is None:
                continue
            # join() and is_alive() collect the exit status: one not collected was never waited for.
            joined = popen.returncode is not None
            exits.append(Exit(_label(process, target), process.pid, joined, process.exitcode))


def _listed(exits: list[Exit], with_code: bool = False) -> str:
    shown = [f"{e} with {e.exitcode}" if with_code else str(e) for e in exits[:MAX_LISTED]]
    more = f" and {len(exits) - MAX_LISTED} more" if len(exits) > MAX_LISTED else ""
    return ", ".join(shown) + more


RUNNING_ADVICE = ("A process that may never end must be stopped with terminate() before it is "
                  "joined.")


def describe_exit_problems(exits: list[Exit], expected_codes=(0,),
                           running_advice: str = RUNNING_ADVICE) -> str | None:
    """What went wrong with the processes, in one message, or None when nothing did.

    expected_codes: the exit codes that are fine here; None when any code is (a process that
    was meant to die, or to be stopped). running_advice: what to do about a process still
    running, in the words of the exercise.
    """
    running = [e for e in exits if e.exitcode is None]
    if running:
        return (f"Your function returned while {len(running)} process(es) it started were still "
                f"running: {_listed(running)}. Join every process you start before returning. "
                + running_advice)
    unjoined = [e for e in exits if not e.joined]
    if unjoined:
        return (f"Your function never joined {len(unjoined)} process(es) it started: "
                f"{_listed(unjoined)}. join() each one before returning: that is how you know it "
                "has ended, and with which exit code.")
    failed = [e for e in exits if expected_codes is not None and e.exitcode not in expected_codes]
    if failed:
        return (f"{len(failed)} process(es) your code started ended with a non-zero exit code: "
                f"{_listed(failed, with_code=True)}. Exit code 1 means an uncaught exception "
                "ended the process (`grade -v` shows its traceback); a negative code is the "
                "signal that stopped it. Every producer and consumer should return normally.")
    return None
