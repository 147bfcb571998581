"""Known wrong: a ThreadPool, whose threads take turns on the GIL."""
from multiprocessing.pool import ThreadPool

from solutions.map_reduce import count_words, merge_counts, split_into_chunks  # noqa: F401


def word_count(lines, workers, mapper=count_words):
    with ThreadPool(workers) as pool:
        return merge_counts(pool.map(mapper, split_into_chunks(lines, workers)))
