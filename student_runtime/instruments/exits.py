"""How the processes a call started ended, as seen from inside the student's process.

An ExitWatch, built in the student's process before a call, keeps every Process started there
from then on; stop(), called once the call has returned, says for each whether the code joined
it and its exit code (None while it still runs), as plain data. Pool, executor and Manager
workers are left out: their pool starts and stops them, and ends them with terminate() on
purpose. The grader words what went wrong (grader/measuring/process_exits.py).
"""

from __future__ import annotations

from student_runtime.instruments.started import ProcessWatch

# The modules whose Processes belong to a pool or a Manager rather than to the student's code.
_MANAGED_BY = ("multiprocessing.pool", "multiprocessing.managers", "concurrent.futures.process")


def _label(process, target) -> str:
    name = getattr(target, "__qualname__", None) or getattr(target, "__name__", None)
    if name:
        return f"a Process running {name}()"
    return f"a {type(process).__name__}"


class ExitWatch(ProcessWatch):
    """Notes every Process started in this process from its creation until stop()."""

    def stop(self) -> list[dict]:
        """Stop watching; for each Process started meanwhile: label, pid, joined, exitcode."""
        self.close()
        exits = []
        for entry in self.started:
            process, target = entry.process, entry.target
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
        self.started.clear()
        return exits
