"""Known wrong: choose_tool picks threads for CPU-heavy work and returns None for an unknown one."""
from solutions.why_processes import (BEST_TOOL, CPU_HEAVY, THREADING, run_serially,  # noqa: F401
                                     run_with_processes, run_with_threads)


def choose_tool(workload):
    if workload == CPU_HEAVY:
        return THREADING
    return BEST_TOOL.get(workload)
