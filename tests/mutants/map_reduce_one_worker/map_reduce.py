"""Known wrong: a pool of one worker, whatever `workers` says; the chunks are right."""
from multiprocessing import Pool

from solutions.map_reduce import count_words, merge_counts, split_into_chunks  # noqa: F401


def word_count(lines, workers, mapper=count_words):
    with Pool(1) as pool:
        return merge_counts(pool.map(mapper, split_into_chunks(lines, workers)))
