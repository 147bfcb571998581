"""Known wrong: a helper takes the lock that its caller already holds; a manager Lock is not
re-entrant, so the first worker waits for itself forever and the others wait for it."""
from solutions.managers import (append_results, collect_results, count_votes,  # noqa: F401
                                record_jobs, track_progress)
import solutions.managers as _solution


def _add_one(votes, lock, name):
    with lock:
        votes[name] += 1


def add_votes(votes, lock, ballots):
    for name in ballots:
        with lock:
            _add_one(votes, lock, name)


_solution.add_votes = add_votes
