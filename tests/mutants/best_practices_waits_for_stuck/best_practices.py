"""Known wrong: results are fetched with a deadline, but close() and join() then wait for the
stuck task forever."""
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
    pool.close()
    pool.join()
    return results
