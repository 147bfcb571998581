"""Known wrong: shutdown(wait=False, cancel_futures=True) returns at once but the stuck task runs on."""
from concurrent.futures import ProcessPoolExecutor

from solutions.executor import (errors_by_item, executor_map, first_to_finish,  # noqa: F401
                                results_as_completed, run_surviving_a_crash)


def result_or_none(func, arg, timeout_s):
    executor = ProcessPoolExecutor(max_workers=1)
    future = executor.submit(func, arg)
    try:
        return future.result(timeout=timeout_s)
    except TimeoutError:
        future.cancel()
        return None
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
