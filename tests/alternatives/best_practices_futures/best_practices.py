"""A correct alternative: errors collected from each AsyncResult in the parent, a deadline
enforced with imap_unordered's next(timeout), try/finally with terminate() instead of `with`,
and the table stored by an initializer in a dict of worker state."""
import multiprocessing
import time

_state = {}


def process_all(func, items, workers):
    items = list(items)
    pool = multiprocessing.get_context().Pool(workers)
    try:
        jobs = [pool.apply_async(func, (item,)) for item in items]
        results, errors = [], []
        for item, job in zip(items, jobs):
            try:
                results.append((item, job.get()))
            except Exception as error:
                errors.append((item, f"{type(error).__name__}: {error}"))
        return results, errors
    finally:
        pool.terminate()
        pool.join()


def _indexed(func, pair):
    index, item = pair
    return index, func(item)


def _apply_indexed(args):
    func, pair = args
    return _indexed(func, pair)


def run_with_timeout(func, items, workers, timeout_s):
    deadline = time.monotonic() + timeout_s
    results = [None] * len(items)
    pool = multiprocessing.get_context().Pool(workers)
    try:
        finished = pool.imap_unordered(_apply_indexed, [(func, pair) for pair in enumerate(items)])
        for _ in items:
            try:
                index, value = finished.next(timeout=max(0.0, deadline - time.monotonic()))
            except multiprocessing.TimeoutError:
                break
            results[index] = value
        return results
    finally:
        pool.terminate()
        pool.join()


def _remember_table(table):
    _state["table"] = table


def _lookup(key):
    return _state["table"][key]


def lookup_all(table, keys, workers):
    with multiprocessing.get_context().Pool(workers, _remember_table, (table,)) as pool:
        return list(pool.imap(_lookup, keys, chunksize=16))
