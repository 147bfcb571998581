"""The time-lock puzzles behind the parallel-map speedups: the grader's short way to an answer
gives what the work gives, and nothing else does."""

from grader.measuring.puzzles import squarings_for, time_lock
from student_runtime.workloads.tasks import puzzle_base, square_mod


def test_the_short_way_gives_the_answer_the_work_gives():
    lock = time_lock()
    for seed in range(6):
        worked = square_mod(puzzle_base(seed, lock.modulus), 1_500, lock.modulus)
        assert lock.answer(seed, 1_500) == worked
        assert lock.answer(seed, 1_499) != worked


def test_squarings_are_sized_to_the_cpu_time_asked_for():
    lock = time_lock()
    assert squarings_for(0.02, lock.modulus) < squarings_for(0.2, lock.modulus)
