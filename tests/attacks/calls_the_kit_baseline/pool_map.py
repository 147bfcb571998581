"""Attack: let the kit's own parallel run do the work, and compute the answers in the caller
(the grader's code is not importable from the student's process, and its run brings nothing
back: it answers no exercise)."""


def parallel_map(func, items, workers):
    from grader.measuring import baselines

    baselines.spread_items(func, items, workers)
    return [func(item) for item in items]


def choose_chunksize(n_items, workers):
    return max(1, -(-n_items // (4 * workers)))


def map_small_tasks(func, items, workers):
    return parallel_map(func, items, workers)
