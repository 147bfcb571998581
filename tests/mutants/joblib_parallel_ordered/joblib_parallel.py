"""Known wrong: return_as="generator" keeps the order of the calls, so a fast result waits
behind a slow one."""
from joblib import Parallel, delayed

from solutions.joblib_parallel import (block_results, choose_batch_size, map_tiny_tasks,  # noqa: F401
                                       parallel_map)


def as_they_finish(func, items, workers):
    yield from Parallel(n_jobs=workers, return_as="generator")(delayed(func)(item) for item in items)
