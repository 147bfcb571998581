"""Known wrong: the counts already in the dict are thrown away."""
from solutions.free_threading import tally as tally_into, threaded_map  # noqa: F401


def tally(func, items, workers, counts):
    counts.clear()
    tally_into(func, items, workers, counts)
