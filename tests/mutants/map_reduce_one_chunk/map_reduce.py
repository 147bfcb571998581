"""Known wrong: the whole text goes to the pool as one chunk, so one worker counts everything."""
from multiprocessing import Pool

from solutions.map_reduce import count_words, merge_counts, split_into_chunks  # noqa: F401


def word_count(lines, workers, mapper=count_words):
    with Pool(workers) as pool:
        return merge_counts(pool.map(mapper, [lines]))
