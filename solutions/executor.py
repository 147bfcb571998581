"""Reference solution for executor."""

from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool


def results_as_completed(func, items, workers):
    with ProcessPoolExecutor(max_workers=workers) as executor:
        futures = {executor.submit(func, item): item for item in items}
        return [(futures[future], future.result()) for future in as_completed(futures)]


def executor_map(func, items, workers):
    with ProcessPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(func, items))


def errors_by_item(func, items, workers):
    results, errors = {}, {}
    with ProcessPoolExecutor(max_workers=workers) as executor:
        futures = {executor.submit(func, item): item for item in items}
        for future in as_completed(futures):
            try:
                results[futures[future]] = future.result()
            except Exception as error:
                errors[futures[future]] = error
    return results, errors


def first_to_finish(func, items, workers):
    with ProcessPoolExecutor(max_workers=workers) as executor:
        futures = {executor.submit(func, item): item for item in items}
        first = next(as_completed(futures))
        cancelled = sum(future.cancel() for future in futures if future is not first)
        return futures[first], first.result(), cancelled


def _stop_workers(executor):
    if hasattr(executor, "terminate_workers"):  # Python 3.14 and later
        executor.terminate_workers()
        return
    # Before 3.14 there is no public way: take the processes before shutdown() forgets them.
    processes = list(executor._processes.values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


def result_or_none(func, arg, timeout_s):
    executor = ProcessPoolExecutor(max_workers=1)
    future = executor.submit(func, arg)
    try:
        return future.result(timeout=timeout_s)
    except TimeoutError:
        _stop_workers(executor)
        return None
    finally:
        executor.shutdown()


def run_surviving_a_crash(func, items, workers):
    results, lost = {}, []
    with ProcessPoolExecutor(max_workers=workers) as executor:
        futures = {executor.submit(func, item): item for item in items}
        for future in as_completed(futures):
            try:
                results[futures[future]] = future.result()
            except BrokenProcessPool:
                lost.append(futures[future])
    return results, sorted(lost)
