"""Known wrong: choose_tool raises ValueError for an unknown workload without naming the valid
ones, as its docstring asks."""
from solutions.why_processes import (BEST_TOOL, run_serially, run_with_processes,  # noqa: F401
                                     run_with_threads)


def choose_tool(workload):
    if workload not in BEST_TOOL:
        raise ValueError(f"unknown workload {workload!r}")
    return BEST_TOOL[workload]
