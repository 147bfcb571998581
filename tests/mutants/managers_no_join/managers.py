"""Known wrong: collect_results copies the list and leaves the `with` block without joining the
workers, so the manager shuts down while they are still appending."""
from multiprocessing import Manager, Process

from solutions.managers import (add_votes, append_results, count_votes,  # noqa: F401
                                record_jobs, track_progress)


def collect_results(func, items, workers):
    with Manager() as manager:
        results = manager.list()
        for i in range(workers):
            Process(target=append_results, args=(results, func, items[i::workers])).start()
        return sorted(results[:])
