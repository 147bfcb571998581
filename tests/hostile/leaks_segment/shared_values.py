"""Hostile: creates a shared-memory segment and forgets it."""
from multiprocessing import shared_memory

from solutions import shared_values as _solution
from solutions.shared_values import add_to_counter, add_to_histogram, parallel_histogram  # noqa: F401

_forgotten = []


def count_in_parallel(counter, workers, times):
    segment = shared_memory.SharedMemory(create=True, size=4096)
    _forgotten.append(segment)
    return _solution.count_in_parallel(counter, workers, times)
