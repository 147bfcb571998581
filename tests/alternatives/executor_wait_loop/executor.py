"""A correct alternative: wait(FIRST_COMPLETED) loops, future.exception() instead of try/except,
shutdown(cancel_futures=True), and a multiprocessing.Pool that is terminated for the timeout."""
import multiprocessing
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool


def results_as_completed(func, items, workers):
    pairs = []
    with ProcessPoolExecutor(workers) as executor:
        pending = {executor.submit(func, item): item for item in items}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            # Several may be done at once: keep the order they were noticed in, in any order.
            for future in done:
                pairs.append((pending.pop(future), future.result()))
    return pairs


def executor_map(func, items, workers):
    with ProcessPoolExecutor(workers) as executor:
        futures = [executor.submit(func, item) for item in items]
        return [future.result() for future in futures]


def errors_by_item(func, items, workers):
    with ProcessPoolExecutor(workers) as executor:
        futures = {item: executor.submit(func, item) for item in items}
    results = {item: f.result() for item, f in futures.items() if f.exception() is None}
    errors = {item: f.exception() for item, f in futures.items() if f.exception() is not None}
    return results, errors


def first_to_finish(func, items, workers):
    executor = ProcessPoolExecutor(workers)
    futures = {executor.submit(func, item): item for item in items}
    done, _ = wait(futures, return_when=FIRST_COMPLETED)
    first = min(done, key=lambda f: list(futures).index(f))
    executor.shutdown(wait=True, cancel_futures=True)
    return futures[first], first.result(), sum(f.cancelled() for f in futures)


def result_or_none(func, arg, timeout_s):
    pool = multiprocessing.Pool(1)
    try:
        return pool.apply_async(func, (arg,)).get(timeout_s)
    except multiprocessing.TimeoutError:
        return None
    finally:
        pool.terminate()
        pool.join()


def run_surviving_a_crash(func, items, workers):
    with ProcessPoolExecutor(workers) as executor:
        futures = {item: executor.submit(func, item) for item in items}
        wait(futures.values())
    lost = sorted(item for item, f in futures.items() if isinstance(f.exception(), BrokenProcessPool))
    results = {item: f.result() for item, f in futures.items() if f.exception() is None}
    return results, lost
