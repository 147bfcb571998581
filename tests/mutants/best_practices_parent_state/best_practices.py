"""Known wrong: lookup_all puts the table in a module global of the parent; workers started by
spawn or forkserver never see it (under fork they inherit it, so it passes there)."""
from multiprocessing import Pool

from solutions.best_practices import process_all, run_with_timeout  # noqa: F401

_table = None


def _lookup(key):
    return _table[key]


def lookup_all(table, keys, workers):
    global _table
    _table = table
    with Pool(workers) as pool:
        return pool.map(_lookup, keys)
