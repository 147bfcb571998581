"""Reference solution for joblib_parallel."""

from joblib import Parallel, delayed

BATCHES_PER_WORKER = 4


def parallel_map(func, items, workers):
    return Parallel(n_jobs=workers)(delayed(func)(item) for item in items)


def as_they_finish(func, items, workers):
    yield from Parallel(n_jobs=workers, return_as="generator_unordered")(
        delayed(func)(item) for item in items)


def choose_batch_size(n_items, workers):
    return max(1, -(-n_items // (BATCHES_PER_WORKER * workers)))


def map_tiny_tasks(func, items, workers):
    batch_size = choose_batch_size(len(items), workers)
    return Parallel(n_jobs=workers, batch_size=batch_size)(delayed(func)(item) for item in items)


def block_results(func, values, blocks, workers):
    size = len(values) // blocks
    bounds = [(i * size, (i + 1) * size if i < blocks - 1 else len(values)) for i in range(blocks)]
    return Parallel(n_jobs=workers)(delayed(func)(values, start, stop) for start, stop in bounds)
