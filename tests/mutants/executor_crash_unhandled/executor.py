"""Known wrong: a worker's death is not handled, so BrokenProcessPool reaches the caller."""
from concurrent.futures import ProcessPoolExecutor, as_completed

from solutions.executor import (errors_by_item, executor_map, first_to_finish,  # noqa: F401
                                result_or_none, results_as_completed)


def run_surviving_a_crash(func, items, workers):
    with ProcessPoolExecutor(max_workers=workers) as executor:
        futures = {executor.submit(func, item): item for item in items}
        return {futures[future]: future.result() for future in as_completed(futures)}, []
