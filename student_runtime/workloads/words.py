"""The map_reduce topic's work: a word corpus the kit generates, and a map function that records its runs."""

from __future__ import annotations

import collections
import os
import random
import re
import time

from student_runtime.workloads.tasks import TaskLog, TaskRecord

# Words of the corpus; they appear capitalised, in capitals, joined by hyphens and followed by
# punctuation, beside numbers, so that only the exact tokenising rule counts them right.
VOCABULARY = (
    "the", "a", "of", "and", "to", "in", "is", "process", "pool", "worker", "queue", "pipe",
    "lock", "value", "array", "manager", "shared", "memory", "parallel", "serial", "task",
    "result", "future", "map", "reduce", "chunk", "count", "word", "merge", "split", "core",
    "thread", "gil", "python", "fast", "slow", "start", "join", "spawn", "fork", "server",
    "data", "time", "work", "cpu", "bound", "known", "well", "high", "level", "x", "i",
)
WORD_RULE = re.compile(r"[a-z]+")


def word_corpus(n_lines: int, seed: int = 0) -> list[str]:
    """n_lines lines of seeded random words with mixed case, punctuation, hyphens and numbers.

    The same seed gives the same lines on every machine and Python version.
    """
    rng = random.Random(seed)
    lines = []
    for _ in range(n_lines):
        tokens = []
        for _ in range(rng.randint(0, 14)):
            word = rng.choice(VOCABULARY)
            roll = rng.random()
            if roll < 0.15:
                word = word.capitalize()
            elif roll < 0.2:
                word = word.upper()
            elif roll < 0.25:
                word = f"{word}-{rng.choice(VOCABULARY)}"
            elif roll < 0.28:
                word = str(rng.randint(0, 2026))
            if rng.random() < 0.2:
                word += rng.choice(",.;:!?")
            if rng.random() < 0.05:
                word = f'"{word}"' if rng.random() < 0.5 else f"({word})"
            tokens.append(word)
        lines.append(" ".join(tokens) if rng.random() < 0.9 else "  ".join(tokens) + " ")
    return lines


def count_by_the_rule(lines) -> "collections.Counter":
    """The kit's own word count: lowercase, and a word is a maximal run of the letters a to z."""
    counts = collections.Counter()
    for line in lines:
        counts.update(WORD_RULE.findall(line.lower()))
    return counts


def repeated(block: list[str], times: int) -> list[str]:
    """The block's lines, `times` over: a corpus made where it is counted, from its block alone."""
    return block * times


def corpus_for(cpu_seconds: float, block_lines: int = 2000, seed: int = 0) -> list[str]:
    """A corpus whose counting by the kit's rule takes about this much CPU time here.

    A block of distinct lines is repeated, so that a large corpus is built in milliseconds;
    counting it still takes the time its size implies. Sized by CPU time (the fastest of three
    probes), as iterations_for() sizes spin().
    """
    block, repeats = corpus_blocks_for(cpu_seconds, block_lines, seed)
    return repeated(block, repeats)


def corpus_blocks_for(cpu_seconds: float, block_lines: int = 2000,
                      seed: int = 0) -> tuple[list[str], int]:
    """corpus_for()'s block of lines and how many times it repeats: whoever knows them counts
    the whole corpus by counting the block once."""
    block = word_corpus(block_lines, seed)
    fastest = float("inf")
    for _ in range(3):
        start = time.thread_time()
        count_by_the_rule(block)
        fastest = min(fastest, time.thread_time() - start)
    return block, max(1, round(cpu_seconds / max(fastest, 1e-4)))


class RecordingMapper:
    """Wraps a map function (the student's count_words); each call logs a TaskRecord.

    It pickles as the wrapped function (by name) and a log directory, so it travels to worker
    processes under every start method, and each chunk counted leaves a record of which process
    counted it, when, and with how much CPU.
    """

    def __init__(self, func, log_dir: str | os.PathLike) -> None:
        self.func = func
        self.log_dir = str(log_dir)

    def __call__(self, chunk):
        start, cpu_start = TaskLog(self.log_dir).begin(), time.thread_time()
        result = self.func(chunk)
        end, cpu_end = time.monotonic(), time.thread_time()
        TaskLog(self.log_dir).write(TaskRecord.here(start, end, cpu_end - cpu_start))
        return result
