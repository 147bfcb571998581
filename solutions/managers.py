"""Reference solution for managers."""

from multiprocessing import Manager, Process


def _run_shares(target, leading_args, items, workers):
    """Run target(*leading_args, share) in one process per share of the items; join them all."""
    processes = [Process(target=target, args=(*leading_args, items[i::workers]))
                 for i in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()


def add_votes(votes, lock, ballots):
    for name in ballots:
        with lock:
            votes[name] += 1


def count_votes(votes, lock, ballots, workers):
    _run_shares(add_votes, (votes, lock), ballots, workers)
    return votes.copy()


def record_jobs(progress, lock, jobs):
    for job in jobs:
        with lock:
            progress.done += 1
            progress.total += job


def track_progress(progress, lock, jobs, workers):
    _run_shares(record_jobs, (progress, lock), jobs, workers)
    return progress.done, progress.total


def append_results(results, func, items):
    for item in items:
        results.append((item, func(item)))


def collect_results(func, items, workers):
    with Manager() as manager:
        results = manager.list()
        _run_shares(append_results, (results, func), items, workers)
        # One round trip for the whole copy, made before the manager shuts down.
        return sorted(results[:])
