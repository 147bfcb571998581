"""A correct alternative: a pool closed and joined by hand once the results are taken; futures
from a ProcessPoolExecutor taken with as_completed; starmap_async; apply_async with terminate()
in a finally block; apply_async per item for work in the background."""
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed


def ordered_lazily(func, items, workers):
    pool = multiprocessing.Pool(processes=workers)
    try:
        for result in pool.imap(func, items, chunksize=1):
            yield result
        pool.close()
        pool.join()
    finally:
        pool.terminate()


def in_completion_order(func, items, workers):
    with ProcessPoolExecutor(max_workers=workers) as executor:
        futures = [executor.submit(func, item) for item in items]
        for future in as_completed(futures):
            yield future.result()


def map_unpacked(func, arg_tuples, workers):
    with multiprocessing.Pool(workers) as pool:
        return pool.starmap_async(func, arg_tuples).get()


def collect_with_timeout(func, items, workers, timeout_s):
    pool = multiprocessing.Pool(workers)
    try:
        pending = [pool.apply_async(func, (item,)) for item in items]
        results = []
        for result in pending:
            try:
                results.append(result.get(timeout_s))
            except multiprocessing.TimeoutError:
                results.append(None)
        return results
    finally:
        pool.terminate()
        pool.join()


def map_in_background(func, items, workers, meanwhile):
    with multiprocessing.Pool(workers) as pool:
        pending = [pool.apply_async(func, (item,)) for item in items]
        own = meanwhile()
        return [result.get() for result in pending], own
