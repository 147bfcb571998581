"""Known wrong: equal shares of len(items) // workers each, so the remainder is never handed out."""
from multiprocessing import Process

from solutions.managers import (add_votes, append_results, collect_results,  # noqa: F401
                                count_votes, record_jobs, track_progress)
import solutions.managers as _solution


def _run_shares(target, leading_args, items, workers):
    size = len(items) // workers
    processes = [Process(target=target, args=(*leading_args, items[i * size:(i + 1) * size]))
                 for i in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()


_solution._run_shares = _run_shares
