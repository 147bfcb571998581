"""Known wrong: every item on the calling thread, one after another."""
from solutions.free_threading import tally  # noqa: F401


def threaded_map(func, items, workers):
    return [func(item) for item in items]
