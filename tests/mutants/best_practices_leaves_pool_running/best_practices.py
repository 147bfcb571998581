"""Known wrong: after the deadline the results are returned, but the pool, and its stuck
worker, are left running."""
import time
from multiprocessing import Pool, TimeoutError

from solutions.best_practices import lookup_all, process_all  # noqa: F401


def run_with_timeout(func, items, workers, timeout_s):
    deadline = time.monotonic() + timeout_s
    pool = Pool(workers)
    jobs = [pool.apply_async(func, (item,)) for item in items]
    results = []
    for job in jobs:
        try:
            results.append(job.get(max(0.0, deadline - time.monotonic())))
        except TimeoutError:
            results.append(None)
    return results
