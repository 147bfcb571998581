"""A correct alternative: parallel_config sets the backend and the number of workers for every
Parallel inside it; one Parallel object is opened as a context manager; and tiny tasks are left
to joblib's batch_size="auto", which learns a batch size as it goes."""
import math

from joblib import Parallel, delayed, parallel_config


def parallel_map(func, items, workers):
    with parallel_config(backend="loky", n_jobs=workers):
        return Parallel()(delayed(func)(item) for item in items)


def as_they_finish(func, items, workers):
    with Parallel(n_jobs=workers, return_as="generator_unordered") as parallel:
        for result in parallel(delayed(func)(item) for item in items):
            yield result


def choose_batch_size(n_items, workers):
    return max(1, math.ceil(n_items / (4 * workers)))


def map_tiny_tasks(func, items, workers):
    return Parallel(n_jobs=workers, batch_size="auto")(delayed(func)(item) for item in items)


def block_results(func, values, blocks, workers):
    size = len(values) // blocks
    starts = [i * size for i in range(blocks)]
    stops = starts[1:] + [len(values)]
    calls = (delayed(func)(values, start, stop) for start, stop in zip(starts, stops))
    with parallel_config(backend="loky", n_jobs=workers):
        return Parallel()(calls)
