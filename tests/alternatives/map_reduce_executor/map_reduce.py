"""A correct alternative: ProcessPoolExecutor.map, a tokeniser built on str.translate instead of
a regular expression, chunk bounds from a running index, and the counts added with sum()."""
import string
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

# Everything that is not a lowercase letter becomes a space.
_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if chr(c) not in string.ascii_lowercase})


def split_into_chunks(lines, n):
    n = min(n, len(lines))
    return [lines[i * len(lines) // n:(i + 1) * len(lines) // n] for i in range(n)]


def count_words(chunk):
    return Counter(" ".join(chunk).lower().translate(_SEPARATORS).split())


def merge_counts(counts):
    return sum(counts, Counter())


def word_count(lines, workers, mapper=count_words):
    with ProcessPoolExecutor(max_workers=workers) as executor:
        return merge_counts(executor.map(mapper, split_into_chunks(lines, workers)))
