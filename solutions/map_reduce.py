"""Reference solution for map_reduce."""

import re
from collections import Counter
from multiprocessing import Pool

WORD = re.compile(r"[a-z]+")


def split_into_chunks(lines, n):
    size, extra = divmod(len(lines), n)
    chunks, start = [], 0
    for i in range(min(n, len(lines))):
        stop = start + size + (1 if i < extra else 0)
        chunks.append(lines[start:stop])
        start = stop
    return chunks


def count_words(chunk):
    counts = Counter()
    for line in chunk:
        counts.update(WORD.findall(line.lower()))
    return counts


def merge_counts(counts):
    total = Counter()
    for partial in counts:
        total.update(partial)
    return total


def word_count(lines, workers, mapper=count_words):
    chunks = split_into_chunks(lines, workers)
    with Pool(workers) as pool:
        return merge_counts(pool.map(mapper, chunks))
