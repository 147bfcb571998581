"""Known wrong: the table travels with every key (pickled once per chunk), not once per worker."""
from multiprocessing import Pool

from solutions.best_practices import process_all, run_with_timeout  # noqa: F401


def _lookup(table, key):
    return table[key]


def lookup_all(table, keys, workers):
    with Pool(workers) as pool:
        return pool.starmap(_lookup, [(table, key) for key in keys])
