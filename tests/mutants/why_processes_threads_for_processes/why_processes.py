"""Known wrong: run_with_processes uses a ThreadPoolExecutor, whose threads share one GIL."""
from concurrent.futures import ThreadPoolExecutor

from solutions.why_processes import choose_tool, run_serially, run_with_threads  # noqa: F401


def run_with_processes(func, items, workers):
    with ThreadPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(func, items))
