"""Known wrong: words are what str.split() gives after lowercasing, punctuation and all."""
from collections import Counter

from solutions.map_reduce import merge_counts, split_into_chunks  # noqa: F401
from multiprocessing import Pool


def count_words(chunk):
    counts = Counter()
    for line in chunk:
        counts.update(line.lower().split())
    return counts


def word_count(lines, workers, mapper=count_words):
    with Pool(workers) as pool:
        return merge_counts(pool.map(mapper, split_into_chunks(lines, workers)))
