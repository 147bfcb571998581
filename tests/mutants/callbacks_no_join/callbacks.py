"""Known wrong: closes the pool but returns without join(), before every callback has run."""
from functools import partial
from multiprocessing import Pool

from solutions.callbacks import Tracker, _failed, _finished, collect_results, map_with_progress  # noqa: F401


def run_tracked(func, jobs, workers, tracker):
    pool = Pool(workers)
    for item in jobs:
        with tracker.lock:
            tracker.in_flight += 1
        pool.apply_async(func, (item,), callback=partial(_finished, tracker, item),
                         error_callback=partial(_failed, tracker, item))
    pool.close()
