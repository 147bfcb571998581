"""Known wrong: the pool is closed and joined only on success; Ctrl-C leaves its workers running."""
from multiprocessing import Pool

from solutions.best_practices import _call, lookup_all, run_with_timeout  # noqa: F401


def process_all(func, items, workers):
    items = list(items)
    pool = Pool(workers)
    outcomes = pool.starmap(_call, [(func, item) for item in items])
    pool.close()
    pool.join()
    results = [(item, value) for item, (ok, value) in zip(items, outcomes) if ok]
    errors = [(item, value) for item, (ok, value) in zip(items, outcomes) if not ok]
    return results, errors
