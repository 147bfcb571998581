"""Known wrong: run_with_threads collects results with as_completed, in the order they finished."""
from concurrent.futures import ThreadPoolExecutor, as_completed

from solutions.why_processes import choose_tool, run_serially, run_with_processes  # noqa: F401


def run_with_threads(func, items, workers):
    with ThreadPoolExecutor(max_workers=workers) as executor:
        futures = [executor.submit(func, item) for item in items]
        return [future.result() for future in as_completed(futures)]
