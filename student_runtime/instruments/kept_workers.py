"""Worker processes that a library keeps alive between calls on purpose, and their shutdown.

joblib runs its default backend on loky's reusable executor: its workers stay alive, idle,
after a call, so that the next call starts at once (they would end by themselves after five
idle minutes). That is reuse, not a leak. The grader asks here which processes those are, and
checks each against what the kernel shows before it lets one run on; a check of reuse asks for
them to be shut down and sees for itself which processes ended.
"""

from __future__ import annotations

import sys

# Where loky's reusable executor is kept: joblib's bundled copy, and loky installed on its own.
REUSABLE_EXECUTOR_MODULES = ("joblib.externals.loky.reusable_executor", "loky.reusable_executor")


def _reusable_executors() -> list:
    executors = []
    for name in REUSABLE_EXECUTOR_MODULES:
        executor = getattr(sys.modules.get(name), "_executor", None)
        if executor is not None:
            executors.append(executor)
    return executors


def workers_kept_for_reuse() -> list[int]:
    """The pids of the workers that libraries keep alive for reuse (loky's), as they know them."""
    pids = []
    for executor in _reusable_executors():
        processes = getattr(executor, "_processes", None)
        if isinstance(processes, dict):
            pids += [pid for pid in processes if isinstance(pid, int)]
    return pids


def stop_workers_kept_for_reuse() -> int:
    """Shut down every reusable executor a library keeps, waiting for its workers to end; how many
    executors there were."""
    executors = _reusable_executors()
    for executor in executors:
        executor.shutdown(wait=True, kill_workers=True)
    return len(executors)
