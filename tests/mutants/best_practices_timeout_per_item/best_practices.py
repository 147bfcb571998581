"""Known wrong: run_with_timeout gives every result the whole timeout, counted from when it is
waited for, instead of one deadline for the call."""
from multiprocessing import Pool, TimeoutError

from solutions.best_practices import lookup_all, process_all  # noqa: F401


def run_with_timeout(func, items, workers, timeout_s):
    with Pool(workers) as pool:
        jobs = [pool.apply_async(func, (item,)) for item in items]
        results = []
        for job in jobs:
            try:
                results.append(job.get(timeout_s))
            except TimeoutError:
                results.append(None)
    return results
