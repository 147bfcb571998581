"""Known wrong: one thread and a pool of one process, whatever `workers` says."""
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool

from solutions.why_processes import choose_tool, run_serially  # noqa: F401


def run_with_threads(func, items, workers):
    with ThreadPoolExecutor(max_workers=1) as executor:
        return list(executor.map(func, items))


def run_with_processes(func, items, workers):
    with Pool(1) as pool:
        return pool.map(func, items)
