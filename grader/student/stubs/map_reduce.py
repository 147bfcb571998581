"""Map-reduce: count the words of a large text on several processes, then add up the counts.

Lesson: "Practical Patterns", "Map-Reduce Pattern".

Map-reduce splits one big job into three steps:

    split    cut the input into chunks, one per worker
    map      process every chunk on its own, in parallel: here, count the words in it
    reduce   combine the partial results into one: here, add the counts together

Only the map step runs in the workers. It must need nothing but its own chunk, so that the
chunks can be counted at the same time in separate processes, and its result (a Counter of a
few dozen words) is small, so sending it back costs little. The reduce step runs in your own
process, once every chunk has been counted.

`collections.Counter` does the bookkeeping: `Counter(["a", "b", "a"])` is
`Counter({'a': 2, 'b': 1})`, and `total.update(counts)` *adds* counts into `total` (where
`dict.update` would overwrite them).

The tokenising rule, the same everywhere in this topic: lowercase the line; a word is a maximal
run of the letters a to z; everything else (spaces, digits, punctuation, hyphens) separates
words. So "Well-known, the THE 2026!" holds the words well, known, the, the. `re.findall` with
the pattern `[a-z]+` finds exactly those runs.

The grader runs word_count on a text of hundreds of thousands of lines, and hands it an
instrumented copy of your count_words as `mapper`, so that it can see which processes counted
which chunks.
"""

import re  # noqa: F401  (you will need them)
from collections import Counter  # noqa: F401
from multiprocessing import Pool  # noqa: F401


def split_into_chunks(lines, n):
    """Cut lines into n contiguous chunks of nearly equal size, keeping their order.

    Args:
        lines: a list of strings (may be empty).
        n: how many chunks to make (at least 1).

    Returns:
        A list of min(n, len(lines)) non-empty lists whose sizes differ by at most one and which,
        joined in order, give `lines` back. [] when there are no lines.

    Example:
        >>> split_into_chunks(["a", "b", "c", "d", "e"], 2)
        [['a', 'b', 'c'], ['d', 'e']]
    """
    # TODO: divmod(len(lines), n) gives the size of each chunk and how many get one more line.
    raise NotImplementedError("split_into_chunks: cut lines into n contiguous chunks whose sizes differ by at most one")


def count_words(chunk):
    """Map step: count the words in a chunk of lines, by the tokenising rule above.

    Args:
        chunk: a list of strings.

    Returns:
        A Counter from each word to how many times it occurs in the chunk.

    Example:
        >>> count_words(["The cat, the HAT!", "well-known 42"])
        Counter({'the': 2, 'cat': 1, 'hat': 1, 'well': 1, 'known': 1})
    """
    # TODO: for every line, find the words of line.lower() and add them to a Counter.
    raise NotImplementedError("count_words: lowercase each line, find the runs of a-z letters, and count them in a Counter")


def merge_counts(counts):
    """Reduce step: add up partial counts into one Counter.

    Args:
        counts: a list of Counters (may be empty).

    Returns:
        A Counter in which every word has the sum of its counts in all of them.

    Example:
        >>> merge_counts([Counter(a=1, b=2), Counter(b=3)])
        Counter({'b': 5, 'a': 1})
    """
    # TODO: start from an empty Counter and update() it with each partial count.
    raise NotImplementedError("merge_counts: add every partial Counter into one total with Counter.update")


def word_count(lines, workers, mapper=count_words):
    """The whole job: split lines into `workers` chunks, map `mapper` over them on a Pool of
    `workers` processes, and merge the partial counts.

    Args:
        lines: a list of strings (may be empty, or shorter than `workers`).
        workers: how many worker processes to use.
        mapper: the map function to run on each chunk; count_words unless the caller passes
            another (the grader passes an instrumented copy of your count_words).

    Returns:
        A Counter of every word in `lines`: the same as count_words(lines).

    Example:
        >>> word_count(["a b", "b c", "c c"], workers=2)
        Counter({'c': 3, 'b': 2, 'a': 1})
    """
    # TODO: split_into_chunks(lines, workers); pool.map(mapper, chunks) in a `with Pool(workers)`; merge_counts.
    raise NotImplementedError("word_count: write split_into_chunks, count_words and merge_counts first, then map mapper over the chunks on a Pool(workers) and merge")
