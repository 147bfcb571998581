"""Known wrong: the callbacks hold the lock, but the main thread changes in_flight without it."""
from functools import partial
from multiprocessing import Pool

from solutions.callbacks import Tracker, _failed, _finished, collect_results, map_with_progress  # noqa: F401


def run_tracked(func, jobs, workers, tracker):
    with Pool(workers) as pool:
        for item in jobs:
            tracker.in_flight += 1
            pool.apply_async(func, (item,), callback=partial(_finished, tracker, item),
                             error_callback=partial(_failed, tracker, item))
        pool.close()
        pool.join()
