"""Known wrong: the threading backend: the calls run on threads of the calling process, which
take turns on one core under the GIL."""
from joblib import Parallel, delayed

from solutions.joblib_parallel import (as_they_finish, block_results, choose_batch_size,  # noqa: F401
                                       map_tiny_tasks)


def parallel_map(func, items, workers):
    return Parallel(n_jobs=workers, backend="threading")(delayed(func)(item) for item in items)
