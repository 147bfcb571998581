"""Known wrong: holds the lock for the whole run, join() included, so no callback can finish."""
from functools import partial
from multiprocessing import Pool

from solutions.callbacks import Tracker, _failed, _finished, collect_results, map_with_progress  # noqa: F401


def run_tracked(func, jobs, workers, tracker):
    with Pool(workers) as pool:
        with tracker.lock:
            for item in jobs:
                tracker.in_flight += 1
                pool.apply_async(func, (item,), callback=partial(_finished, tracker, item),
                                 error_callback=partial(_failed, tracker, item))
            pool.close()
            pool.join()
