"""Known wrong: processes, as the lesson taught, where the topic asks for threads."""
from concurrent.futures import ProcessPoolExecutor

from solutions.free_threading import tally  # noqa: F401


def threaded_map(func, items, workers):
    with ProcessPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(func, items))
