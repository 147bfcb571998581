"""A correct alternative: Pool workers count their share locally and merge each total into the
shared objects once, under the manager lock; the proxies travel as task arguments."""
from collections import Counter
from multiprocessing import Manager, Pool


def _shares(items, workers):
    size = -(-len(items) // workers)
    return [items[start:start + size] for start in range(0, len(items), size)]


def add_votes(votes, lock, ballots):
    local = Counter(ballots)
    with lock:
        for name, count in local.items():
            votes[name] = votes.get(name, 0) + count


def count_votes(votes, lock, ballots, workers):
    with Pool(workers) as pool:
        pool.starmap(add_votes, [(votes, lock, share) for share in _shares(ballots, workers)])
    return dict(votes)


def record_jobs(progress, lock, jobs):
    done, total = len(jobs), sum(jobs)
    with lock:
        progress.done += done
        progress.total += total


def track_progress(progress, lock, jobs, workers):
    with Pool(workers) as pool:
        pool.starmap(record_jobs, [(progress, lock, share) for share in _shares(jobs, workers)])
    with lock:
        return progress.done, progress.total


def append_results(results, func, items):
    results.extend([(item, func(item)) for item in items])


def collect_results(func, items, workers):
    if not items:
        return []
    with Manager() as manager:
        results = manager.list()
        with Pool(workers) as pool:
            tasks = [(results, func, share) for share in _shares(items, workers)]
            pool.starmap(append_results, tasks)
        pairs = list(results)
    pairs.sort(key=lambda pair: pair[0])
    return pairs
