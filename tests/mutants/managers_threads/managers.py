"""Known wrong: the workers are threads of the grading process, not processes."""
import threading

from solutions.managers import (add_votes, append_results, collect_results,  # noqa: F401
                                count_votes, record_jobs, track_progress)
import solutions.managers as _solution


def _run_shares(target, leading_args, items, workers):
    threads = [threading.Thread(target=target, args=(*leading_args, items[i::workers]))
               for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


_solution._run_shares = _run_shares
