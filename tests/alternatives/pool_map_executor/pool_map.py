"""A correct alternative: ProcessPoolExecutor, whose map also takes a chunksize."""
from concurrent.futures import ProcessPoolExecutor


def parallel_map(func, items, workers):
    with ProcessPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(func, items))


def choose_chunksize(n_items, workers):
    return max(1, -(-n_items // (4 * workers)))


def map_small_tasks(func, items, workers):
    items = list(items)
    with ProcessPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(func, items, chunksize=choose_chunksize(len(items), workers)))
