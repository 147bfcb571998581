"""Known wrong: each worker counts locally, which is right, but merges its totals into the shared
objects without the lock, so merges that overlap still lose updates."""
from collections import Counter

from solutions.managers import (append_results, collect_results, count_votes,  # noqa: F401
                                track_progress)
import solutions.managers as _solution


def add_votes(votes, lock, ballots):
    for name, count in Counter(ballots).items():
        votes[name] += count


def record_jobs(progress, lock, jobs):
    progress.done += len(jobs)
    progress.total += sum(jobs)


_solution.add_votes = add_votes
_solution.record_jobs = record_jobs
