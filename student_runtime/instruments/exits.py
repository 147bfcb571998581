"""How the processes a call started ended, as seen from inside the student's process.

An ExitWatch, built in the student's process before a call, keeps every Process started there
from then on; stop(), called once the call has returned, says for each whether the code joined
it and its exit code (None while it still runs), as plain data. Pool, executor and Manager
workers are left out: their pool starts and stops them, and ends them with terminate() on
purpose. The grader words what went wrong (grader/measuring/process_exits.py).
"""

from __future__ import annotations

import multiprocessing.process

# The modules whose Processes belong to a pool or a Manager rather than to the student's code.
_MANAGED_BY = ("multiprocessing.pool", "multiprocessing.managers", "concurrent.futures.process")


def _label(process, target) -> str:
    name = getattr(target, "__qualname__", None) or getattr(target, "__name__", None)
    if name:
        return f"a Process running {name}()"
    return f"a {type(process).__name__}"


class ExitWatch:
    """Notes every Process started in this process from its creation until stop()."""

    def __init__(self) -> None:
        self._started: list = []
        self._watching = True
        self._original = multiprocessing.process.BaseProcess.start
        original, started = self._original, self._started

        def start(process):
            # start() forgets the target, so it is noted first.
            if self._watching:
                started.append((process, getattr(process, "_target", None)))
            return original(process)

        self._start = start
        multiprocessing.process.BaseProcess.start = start

    def stop(self) -> list[dict]:
        """Stop watching; for each Process started meanwhile: label, pid, joined, exitcode."""
        self._watching = False
        # Put back only while ours is in place: whoever patched start() after us keeps theirs.
        if multiprocessing.process.BaseProcess.start is self._start:
            multiprocessing.process.BaseProcess.start = self._original
        exits = []
        for process, target in self._started:
            if getattr(target, "__module__", "") in _MANAGED_BY or "PoolWorker" in process.name:
                continue
            popen = process._popen
            if popen is None:
                continue
            # join() and is_alive() collect the exit status: one not collected was never waited
            # for. Read before exitcode, which collects it.
            joined = popen.returncode is not None
            exits.append({"label": _label(process, target), "pid": process.pid,
                          "joined": joined, "exitcode": process.exitcode})
        self._started.clear()
        return exits
