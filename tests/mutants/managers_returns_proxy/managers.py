"""Known wrong: collect_results returns the list proxy, which keeps its manager running."""
from multiprocessing import Manager

from solutions.managers import (_run_shares, add_votes, append_results,  # noqa: F401
                                count_votes, record_jobs, track_progress)


def collect_results(func, items, workers):
    manager = Manager()
    results = manager.list()
    _run_shares(append_results, (results, func), items, workers)
    results.sort()
    return results
