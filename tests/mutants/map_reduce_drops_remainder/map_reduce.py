"""Known wrong: chunks of len(lines) // n lines each, so the last len(lines) % n lines are lost."""
from multiprocessing import Pool

from solutions.map_reduce import count_words, merge_counts  # noqa: F401


def split_into_chunks(lines, n):
    size = len(lines) // n
    return [lines[i * size:(i + 1) * size] for i in range(n) if size]


def word_count(lines, workers, mapper=count_words):
    with Pool(workers) as pool:
        return merge_counts(pool.map(mapper, split_into_chunks(lines, workers)))
