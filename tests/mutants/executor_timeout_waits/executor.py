"""Known wrong: the timeout is caught inside a `with` block, whose exit waits for the stuck task."""
from concurrent.futures import ProcessPoolExecutor

from solutions.executor import (errors_by_item, executor_map, first_to_finish,  # noqa: F401
                                results_as_completed, run_surviving_a_crash)


def result_or_none(func, arg, timeout_s):
    with ProcessPoolExecutor(max_workers=1) as executor:
        future = executor.submit(func, arg)
        try:
            return future.result(timeout=timeout_s)
        except TimeoutError:
            return None
