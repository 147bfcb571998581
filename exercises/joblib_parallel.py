"""joblib: the process pool that scikit-learn uses, in one line.

Track: modern (`grade --track modern`). Needs joblib: `python -m pip install -e '.[modern]'`.
Lesson: "Modern Parallel Python" (the reading list's first entry).

joblib wraps the lesson's Pool in one idiom:

    from joblib import Parallel, delayed

    results = Parallel(n_jobs=4)(delayed(func)(x) for x in items)

`delayed(func)(x)` does not call func: it notes the call (func, its arguments) so that a worker
can make it. `Parallel(n_jobs=4)` runs the noted calls on 4 worker processes and returns their
results in the order of the calls, like Pool.map. The default backend, loky, starts its workers
with a fresh interpreter (as spawn does) on every platform, so the same code behaves the same on
Linux, macOS and Windows.

Four things joblib does for you, each a check here:

- Reuse. loky keeps its workers alive and idle after a call (for up to five minutes), so the next
  call starts at once instead of paying the start-up again. Processes that outlive a call are
  not a leak here: they are joblib's by design. (The grader shuts them down between checks and
  tells you when it did.)
- Results as they finish. `Parallel(..., return_as="generator_unordered")` hands over each
  result as soon as its task ends, like imap_unordered; "generator" keeps the order, like imap.
- Batches. Every call sent to a worker costs a message. For thousands of tiny tasks, send them in
  batches: `Parallel(..., batch_size=N)`. The default, "auto", learns a batch size as it goes.
- Large arrays as memory maps. A NumPy array larger than `max_nbytes` (1 MB by default) is
  written once to a file, and every worker maps that file into its memory instead of receiving
  a pickled copy through a pipe. Pass the whole array and the bounds of each block; with
  `max_nbytes=None` every task would get a copy of the whole array.

The functions you hand to workers must be importable (defined at module level), as with Pool.
"""

from joblib import Parallel, delayed  # noqa: F401  (you will need them)

# About this many batches per worker: enough to keep every worker busy to the end, few enough
# that each batch's message costs little beside its work.
BATCHES_PER_WORKER = 4


def parallel_map(func, items, workers):
    """func(item) for every item, on `workers` joblib worker processes, in the order of the items.

    Args:
        func: a function defined at module level, taking one item.
        items: a list of items.
        workers: how many worker processes (n_jobs).

    Returns:
        A list with func(item) for every item, in the order of `items` ([] for no items).

    Example:
        >>> parallel_map(abs, [-1, 2, -3], workers=2)
        [1, 2, 3]
    """
    # TODO: Parallel(n_jobs=workers) called on a generator of delayed(func)(item).
    raise NotImplementedError("parallel_map: return Parallel(n_jobs=workers)(delayed(func)(item) for item in items)")


def as_they_finish(func, items, workers):
    """Yield func(item) for every item as soon as each is ready, whatever the order of the items.

    Args:
        func: a function defined at module level, taking one item.
        items: a list of items.
        workers: how many worker processes.

    Yields:
        func(item) for every item, each exactly once, in the order the tasks finish.

    Example:
        >>> sorted(as_they_finish(abs, [-1, 2, -3], workers=2))
        [1, 2, 3]
    """
    # TODO: ask Parallel to return its results as a generator that does not keep the order of
    # TODO: the items, and yield from it.
    raise NotImplementedError("as_they_finish: yield from Parallel(n_jobs=workers, return_as=...)(...): pick the return_as that hands results over as they finish")


def choose_batch_size(n_items, workers):
    """How many tiny tasks to send in one message: BATCHES_PER_WORKER batches per worker.

    Args:
        n_items: how many tasks there are.
        workers: how many worker processes.

    Returns:
        ceil(n_items / (BATCHES_PER_WORKER * workers)), and never less than 1.

    Example:
        >>> choose_batch_size(1000, 4)
        63
    """
    # TODO: a ceiling division, then at least 1.
    raise NotImplementedError("choose_batch_size: divide n_items into BATCHES_PER_WORKER * workers batches, rounding up, and never return less than 1")


def map_tiny_tasks(func, items, workers):
    """Like parallel_map, for thousands of tasks that each take microseconds.

    Args:
        func: a tiny function defined at module level, taking one item.
        items: a long list of items.
        workers: how many worker processes.

    Returns:
        A list with func(item) for every item, in the order of `items`.

    Example:
        >>> map_tiny_tasks(abs, list(range(-3, 0)), workers=2)
        [3, 2, 1]
    """
    # TODO: as parallel_map, with batch_size=choose_batch_size(len(items), workers).
    raise NotImplementedError("map_tiny_tasks: pass batch_size=choose_batch_size(len(items), workers) to Parallel")


def block_results(func, values, blocks, workers):
    """func(values, start, stop) for each of `blocks` equal blocks of a large NumPy array, on
    `workers` worker processes, so that the workers map the array instead of copying it.

    Args:
        func: a function defined at module level, called as func(values, start, stop) with the
            whole array and the bounds of one block.
        values: a one-dimensional NumPy array, megabytes large.
        blocks: how many blocks to cut it into (the last may be longer).
        workers: how many worker processes.

    Returns:
        A list with func's result for every block, in block order.

    Example:
        >>> import numpy as np
        >>> def block_sum(values, start, stop):  # at module level in real code
        ...     return int(values[start:stop].sum())
        >>> block_results(block_sum, np.arange(10), blocks=2, workers=2)
        [10, 35]
    """
    # TODO: the bounds of `blocks` equal blocks (integer division; the last ends at len(values)).
    # TODO: one delayed(func)(values, start, stop) per block. Pass the NumPy array itself (never
    # TODO: a list made from it), and keep joblib's default max_nbytes, which memory-maps it.
    raise NotImplementedError("block_results: cut len(values) into `blocks` bounds and run delayed(func)(values, start, stop) for each")
