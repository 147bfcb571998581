"""Known wrong: a multiprocessing.Pool, which never notices that a worker died and waits forever."""
from multiprocessing import Pool

from solutions.executor import (errors_by_item, executor_map, first_to_finish,  # noqa: F401
                                result_or_none, results_as_completed)


def run_surviving_a_crash(func, items, workers):
    with Pool(workers) as pool:
        pending = {item: pool.apply_async(func, (item,)) for item in items}
        return {item: result.get() for item, result in pending.items()}, []
