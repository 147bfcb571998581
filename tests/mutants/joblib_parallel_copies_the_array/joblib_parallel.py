"""Known wrong: max_nbytes=None turns memory-mapping off: every task gets a pickled copy of the
whole array through a pipe."""
from joblib import Parallel, delayed

from solutions.joblib_parallel import (as_they_finish, choose_batch_size,  # noqa: F401
                                       map_tiny_tasks, parallel_map)


def block_results(func, values, blocks, workers):
    size = len(values) // blocks
    bounds = [(i * size, (i + 1) * size if i < blocks - 1 else len(values)) for i in range(blocks)]
    return Parallel(n_jobs=workers, max_nbytes=None)(
        delayed(func)(values, start, stop) for start, stop in bounds)
