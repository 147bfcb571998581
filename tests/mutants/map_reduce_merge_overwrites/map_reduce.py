"""Known wrong: merge_counts uses dict.update, so a word's later count replaces the earlier one."""
from collections import Counter
from multiprocessing import Pool

from solutions.map_reduce import count_words, split_into_chunks  # noqa: F401


def merge_counts(counts):
    total = Counter()
    for partial in counts:
        dict.update(total, partial)
    return total


def word_count(lines, workers, mapper=count_words):
    with Pool(workers) as pool:
        return merge_counts(pool.map(mapper, split_into_chunks(lines, workers)))
