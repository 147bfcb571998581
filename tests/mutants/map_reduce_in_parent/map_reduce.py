"""Known wrong: the chunks are counted in the parent, one after another; no worker does any work."""
from solutions.map_reduce import count_words, merge_counts, split_into_chunks  # noqa: F401


def word_count(lines, workers, mapper=count_words):
    return merge_counts([mapper(chunk) for chunk in split_into_chunks(lines, workers)])
