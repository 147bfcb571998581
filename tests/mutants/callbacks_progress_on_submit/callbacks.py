"""Known wrong: progress reported as each task is submitted, before it has run."""
from multiprocessing import Pool

from solutions.callbacks import Tracker, collect_results, run_tracked  # noqa: F401


def map_with_progress(func, items, workers, on_progress):
    with Pool(workers) as pool:
        pending = []
        for item in items:
            pending.append(pool.apply_async(func, (item,)))
            on_progress(len(pending), len(items))
        return [result.get() for result in pending]
