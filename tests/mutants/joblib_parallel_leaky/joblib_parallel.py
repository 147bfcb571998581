"""Known wrong: beside joblib's workers (kept for reuse, by design), a process of its own that
is never joined: a leak."""
import time
from multiprocessing import Process

from joblib import Parallel, delayed

from solutions.joblib_parallel import (as_they_finish, block_results, choose_batch_size,  # noqa: F401
                                       map_tiny_tasks)


def parallel_map(func, items, workers):
    results = Parallel(n_jobs=workers)(delayed(func)(item) for item in items)
    Process(target=time.sleep, args=(60,)).start()
    return results
