"""Reference solution for best_practices."""

import time
from multiprocessing import Pool, TimeoutError

_table = None


def _call(func, item):
    try:
        return True, func(item)
    except Exception as error:
        return False, f"{type(error).__name__}: {error}"


def process_all(func, items, workers):
    items = list(items)
    with Pool(workers) as pool:
        outcomes = pool.starmap(_call, [(func, item) for item in items])
    results = [(item, value) for item, (ok, value) in zip(items, outcomes) if ok]
    errors = [(item, value) for item, (ok, value) in zip(items, outcomes) if not ok]
    return results, errors


def run_with_timeout(func, items, workers, timeout_s):
    deadline = time.monotonic() + timeout_s
    with Pool(workers) as pool:
        jobs = [pool.apply_async(func, (item,)) for item in items]
        results = []
        for job in jobs:
            try:
                results.append(job.get(max(0.0, deadline - time.monotonic())))
            except TimeoutError:
                results.append(None)
    return results


def _set_table(table):
    global _table
    _table = table


def _lookup(key):
    return _table[key]


def lookup_all(table, keys, workers):
    with Pool(workers, initializer=_set_table, initargs=(table,)) as pool:
        return pool.map(_lookup, keys)
