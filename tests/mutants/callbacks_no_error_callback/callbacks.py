"""Known wrong: no error_callback, so the exceptions of failed tasks are never heard of."""
from functools import partial
from multiprocessing import Pool

from solutions.callbacks import Tracker, _finished, map_with_progress  # noqa: F401


def collect_results(func, items, workers):
    results, errors = {}, {}
    with Pool(workers) as pool:
        for item in items:
            pool.apply_async(func, (item,), callback=partial(results.__setitem__, item))
        pool.close()
        pool.join()
    return results, errors


def run_tracked(func, jobs, workers, tracker):
    with Pool(workers) as pool:
        for item in jobs:
            with tracker.lock:
                tracker.in_flight += 1
            pool.apply_async(func, (item,), callback=partial(_finished, tracker, item))
        pool.close()
        pool.join()
