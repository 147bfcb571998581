"""Checks for map_reduce (lesson: Practical Patterns, Map-Reduce Pattern).

The word counts are checked against the kit's own count. In the speedup check the student's
count_words runs inside a RecordingMapper in the student's process, whose records say which
process counted each chunk (they can fail the check); the kernel's accounting of the student's
processes, against the CPU that the student's own count_words needs for the corpus (measured by
the kernel too), and the grader's clock decide the rest.
"""

from collections import Counter

import psutil
import pytest

from grader.measuring import baselines
from grader.reporting.feedback import mismatch
from grader.measuring.speedup import WORK_CPU_S, SpeedupPlan, measure_speedup
from student_runtime.workloads.words import (RecordingMapper, corpus_blocks_for, count_by_the_rule,
                                             repeated, word_corpus)

RULE = ("lowercase each line, and count every maximal run of the letters a to z as a word "
        "(re.findall(r'[a-z]+', line.lower())); digits, hyphens and punctuation separate words")
# Each trap of the tokenising rule, with the words it must give.
TRAPS = [
    "The cat, the HAT!",
    "well-known (tasks): 2026 x2y",
    "",
    '   "Spaced"   out...  ',
]
TRAP_COUNTS = Counter({"the": 2, "cat": 1, "hat": 1, "well": 1, "known": 1, "tasks": 1,
                       "x": 1, "y": 1, "spaced": 1, "out": 1})


def first_wrong_word(got, expected) -> str:
    """Text such as " (for example 'the': 7 instead of 9)", naming one word counted wrong.

    A word that should be there comes first: it says more than a stray token does.
    """
    words = sorted(expected, key=str) + sorted(set(got) - set(expected), key=str)
    word = next((w for w in words if got.get(w, 0) != expected.get(w, 0)), None)
    if word is None:
        return ""
    return f" (for example {word!r}: {got.get(word, 0):,} instead of {expected.get(word, 0):,})"


def assert_counts(call: str, got, expected: Counter, advice: str) -> None:
    assert isinstance(got, dict), mismatch(call, got, "a Counter", "Return a collections.Counter.")
    assert Counter(got) == expected, (
        f"Called {call}: got counts for {len(got)} words adding up to {sum(got.values()):,}, "
        f"expected {len(expected)} words adding up to {sum(expected.values()):,}"
        f"{first_wrong_word(got, expected)}. {advice}")


@pytest.mark.check("correctness", points=1, timeout=5)
def test_chunks_cover_the_lines(exercise, check_report):
    for n_lines, n in [(10, 3), (8, 2), (2, 4), (0, 3), (5, 1)]:
        lines = [f"line {i}" for i in range(n_lines)]
        call = f"split_into_chunks(<{n_lines} lines>, {n})"
        got = exercise.split_into_chunks(lines, n)
        joined = [line for chunk in got for line in chunk] if isinstance(got, list) else got
        assert joined == lines, mismatch(
            call + " joined back together", joined, lines,
            "Every line must be in exactly one chunk, in its original order: cut the list into "
            "contiguous slices that cover it to the end.")
        sizes = [len(chunk) for chunk in got]
        assert len(got) == min(n, n_lines) and (not sizes or max(sizes) - min(sizes) <= 1
                                                and min(sizes) > 0), (
            f"Called {call}: got chunks of sizes {sizes}, expected {min(n, n_lines)} non-empty "
            "chunks whose sizes differ by at most one, so that every worker gets an equal share.")
    check_report.record({}, "The chunks cover the lines, in order, in nearly equal shares.")


@pytest.mark.check("correctness", points=2, timeout=5)
def test_count_words_follows_the_rule(exercise, check_report):
    got = exercise.count_words(TRAPS)
    assert_counts(f"count_words({TRAPS!r})", got, TRAP_COUNTS, f"The rule: {RULE}.")
    lines = word_corpus(500, seed=1)
    got = exercise.count_words(lines)
    assert_counts("count_words(<500 lines of the kit's corpus>)", got, count_by_the_rule(lines),
                  f"The rule: {RULE}.")
    assert exercise.count_words([]) == Counter(), mismatch(
        "count_words([])", exercise.count_words([]), Counter(), "No lines, no words.")
    check_report.record({"words": sum(got.values())}, "count_words follows the tokenising rule.")


@pytest.mark.check("correctness", points=1, timeout=5)
def test_merge_adds_counts(exercise, check_report):
    parts = [Counter(the=3, cat=1), Counter(the=2, hat=4), Counter(), Counter(cat=5)]
    call = "merge_counts([Counter(the=3, cat=1), Counter(the=2, hat=4), Counter(), Counter(cat=5)])"
    got = exercise.merge_counts([Counter(part) for part in parts])
    assert_counts(call, got, Counter(the=5, cat=6, hat=4),
                  "Each word's total is the sum of its counts in every part: Counter.update() "
                  "adds, where dict.update() (or total[word] = n) overwrites.")
    got = exercise.merge_counts([])
    assert got == Counter(), mismatch("merge_counts([])", got, Counter(),
                                      "Nothing to merge gives an empty Counter.")
    check_report.record({}, "Partial counts add up.")


@pytest.mark.check("correctness", points=2, timeout=10)
def test_word_count_matches_counter(exercise, check_report):
    lines = word_corpus(3000, seed=2)
    got = exercise.word_count(lines, 2)
    assert_counts("word_count(<3,000 lines>, workers=2)", got, count_by_the_rule(lines),
                  "It must equal collections.Counter over all the words: split, count every "
                  "chunk with mapper, and add the partial counts together.")
    few = word_corpus(3, seed=3)
    got = exercise.word_count(few, 4)
    assert_counts("word_count(<3 lines>, workers=4)", got, count_by_the_rule(few),
                  "With fewer lines than workers, some workers get nothing: make only as many "
                  "chunks as there are lines.")
    got = exercise.word_count([], 2)
    assert got == Counter(), mismatch("word_count([], workers=2)", got, Counter(),
                                      "An empty text has no words: return an empty Counter.")
    check_report.record({"lines": len(lines)}, "The word counts match collections.Counter.")


@pytest.mark.check("speedup", points=4, timeout=15)
def test_speedup(exercise, student, check_report, speedup_plan, task_log):
    # One chunk per worker, as the exercise asks.
    plan = SpeedupPlan(workers=speedup_plan.workers, tasks=speedup_plan.workers,
                       usable_cpus=speedup_plan.usable_cpus)
    block, repeats = corpus_blocks_for(WORK_CPU_S)
    lines = len(block) * repeats
    # The corpus is built in the student's process from its block, before any clock runs; each
    # run then gets a handle to it.
    text = student.make(repeated, block, repeats)
    count_words, word_count = exercise.count_words, exercise.word_count
    work_cpu_s = counting_cpu_s(student, count_words, block, repeats)
    mapper = student.make(RecordingMapper, count_words, task_log.directory)
    kit_mapper = RecordingMapper(count_by_the_rule, task_log.directory)
    # The kit's run counts as much as the student's count_words costs here (the whole corpus
    # costs the kit's rule WORK_CPU_S): a faster tokeniser is not set against a longer run,
    # in which starting the workers weighs less.
    kit_lines = block * max(1, round(repeats * work_cpu_s / WORK_CPU_S))
    verdict, got, _ = measure_speedup(
        run_student=lambda: word_count(text, plan.workers, mapper=mapper),
        run_reference=lambda: baselines.spread_shares(kit_mapper, kit_lines, plan.workers),
        log=task_log, plan=plan, student_pid=student.pid, work_cpu_s=work_cpu_s)
    check_report.record({**verdict.metrics, "lines": lines}, verdict.message)
    assert verdict.passed, verdict.message
    # The counts need the work: the kit knows them from one block of the corpus.
    expected = Counter({word: n * repeats for word, n in count_by_the_rule(block).items()})
    if isinstance(got, dict) and Counter(got) == expected:
        return
    # Beside your own count_words over all the lines at once: only the splitting and merging
    # can differ.
    reference = Counter(count_words(text))
    assert_counts(f"word_count(<{lines:,} lines>, workers={plan.workers}, mapper=...)", got,
                  reference, "Those are what your count_words gives over all the lines at "
                  "once: check that every line is in one chunk and that the partial counts are "
                  "added, not overwritten.")


# A part of the corpus counted once to learn what the student's count_words costs, and the least
# share of the kit's rule's cost that any tokeniser is taken to need (str.translate needs ~40%).
SAMPLE_SHARE = 8
MIN_COST_SHARE = 0.25


def counting_cpu_s(student, count_words, block: list, repeats: int) -> float:
    """The CPU the student's count_words needs for the block repeated `repeats` times, from the
    kernel's accounting of the student's process while it counts a part of that (never less
    than MIN_COST_SHARE of the kit's own rule's cost).

    The kernel's check of the workers is set against this, so that a faster tokeniser than the
    kit's is not asked for CPU it never needs; the floor keeps a count_words that is quick only
    when the grader times it from switching that check off.
    """
    sample_repeats = max(1, repeats // SAMPLE_SHARE)
    sample = student.make(repeated, block, sample_repeats)
    process = psutil.Process(student.pid)
    before = sum(process.cpu_times()[:2])
    count_words(sample)
    used = sum(process.cpu_times()[:2]) - before
    return round(max(used * repeats / sample_repeats, MIN_COST_SHARE * WORK_CPU_S), 3)
