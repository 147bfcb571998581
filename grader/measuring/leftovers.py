"""What a check left behind: processes still running, or never joined, named as the student knows them.

psutil sees a leftover process only as a pid and a command line. The Process objects the
student's code created know more, and its process names them when asked
(student_runtime.instruments.started): a Pool's worker, an executor's worker, a Manager's server, or a Process running a named
function. Each kind gets the advice that fits it: a pool wants `with`, a child that never ends
wants terminate() then join(), and "join every process" would hang on that one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

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
    "{what} had ended but was never joined: a process whose exit nobody collects stays in the "
    "process table as a zombie, and reading its exitcode now and then is not a join. Call "
    "join() on every process you start, right after terminate() when you stop one."
)


@dataclass(frozen=True)
class Started:
    """A process the student's code started, as the student knows it."""

    pid: int
    kind: str  # "pool", "executor", "manager" or "process"
    label: str


def labels_from(answer) -> dict[int, Started]:
    """Started processes from the student's process's answer (pid -> [kind, label]).

    What the student's process says about itself only words the message, so anything malformed
    is dropped rather than trusted.
    """
    found = {}
    if isinstance(answer, dict):
        for pid, value in answer.items():
            if (isinstance(pid, int) and isinstance(value, list) and len(value) == 2
                    and value[0] in ("pool", "executor", "manager", "process")
                    and isinstance(value[1], str)):
                found[pid] = Started(pid, value[0], value[1][:120])
    return found


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


KEPT_FOR_REUSE = ("; not counted: {count} idle worker(s) that joblib keeps for reuse, as it does "
                  "by design")


def describe_kept_for_reuse(count: int) -> str:
    """What a leftovers message adds when a library's idle workers, kept for reuse, were told
    apart from the leftovers: nothing when there were none."""
    return KEPT_FOR_REUSE.format(count=count) if count else ""
