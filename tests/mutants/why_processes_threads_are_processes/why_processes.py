"""Known wrong: run_with_threads starts worker processes, so it says nothing about threads."""
from multiprocessing import Pool

from solutions.why_processes import choose_tool, run_serially, run_with_processes  # noqa: F401


def run_with_threads(func, items, workers):
    with Pool(workers) as pool:
        return pool.map(func, items)
