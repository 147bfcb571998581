"""Known wrong: one Manager started on the first call and kept at module level, never shut down."""
from multiprocessing import Manager

from solutions.managers import (_run_shares, add_votes, append_results,  # noqa: F401
                                count_votes, record_jobs, track_progress)

_manager = None


def _shared_manager():
    global _manager
    if _manager is None:
        _manager = Manager()
    return _manager


def collect_results(func, items, workers):
    results = _shared_manager().list()
    _run_shares(append_results, (results, func), items, workers)
    return sorted(results[:])
