"""Known wrong: read-modify-writes through the proxies without holding the lock lose updates."""
from solutions.managers import (append_results, collect_results, count_votes,  # noqa: F401
                                track_progress)
import solutions.managers as _solution


def add_votes(votes, lock, ballots):
    for name in ballots:
        votes[name] += 1


def record_jobs(progress, lock, jobs):
    for job in jobs:
        progress.done += 1
        progress.total += job


# The solution's drivers start workers by these names; point them at the unlocked ones.
_solution.add_votes = add_votes
_solution.record_jobs = record_jobs
