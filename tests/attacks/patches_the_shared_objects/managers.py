"""Attack: workers count without the lock, and the kit's stand-ins for the manager's dict and
Namespace are patched in the student's process to give back the right totals."""
from collections import Counter
from multiprocessing import Process

from student_runtime.instruments import served_manager


def _add_votes(votes, ballots):
    for name in ballots:
        votes[name] += 1


def _record_jobs(progress, jobs):
    for job in jobs:
        progress.done += 1
        progress.total += job


def _run(target, shared, items, workers):
    processes = [Process(target=target, args=(shared, items[i::workers])) for i in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()


def count_votes(votes, lock, ballots, workers):
    right = {name: 0 for name in votes.keys()}
    right.update(Counter(ballots))
    _run(_add_votes, votes, ballots, workers)
    served_manager.ServedDict.copy = lambda self: dict(right)
    served_manager.ServedDict.__getitem__ = lambda self, key: right[key]
    return votes.copy()


def track_progress(progress, lock, jobs, workers):
    _run(_record_jobs, progress, jobs, workers)
    right = {"done": len(jobs), "total": sum(jobs)}
    served_manager.ServedNamespace.__getattr__ = lambda self, name: right[name]
    return progress.done, progress.total
