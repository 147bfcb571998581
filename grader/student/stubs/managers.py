"""Sharing a dict, a list and a Namespace between processes through a Manager.

Lesson: "Shared State and Communication", "Manager for Complex Shared Objects".

Value and Array hold plain numbers. For richer objects, `multiprocessing.Manager()` starts a
server process that holds real Python objects (a dict, a list, a Namespace, a Lock, ...) and
hands you *proxies* to them:

    with Manager() as manager:          # starts the manager's process; shuts it down at the end
        votes = manager.dict({"ada": 0})
        lock = manager.Lock()
        Process(target=add_votes, args=(votes, lock, ["ada"])).start() ...

A proxy can be passed to other processes (in Process(args=...), or as a Pool task's argument),
and every process that uses it sees the same object. But nothing is shared in memory: every
operation on a proxy is a message to the manager's process and an answer back, a round trip
that costs tens of microseconds, hundreds of times as long as a plain dict read.

Each single call is carried out whole: `results.append(x)` is one round trip and never loses an
item. `votes[name] += 1` is two: a read (`votes[name]`) and then a write (`votes[name] = ...`).
If another process writes in between, one of the two updates is lost. Two fixes:

    with lock:                          # a manager Lock, held from the read to the write
        votes[name] += 1

or count in a local dict first and add each total to the shared one once, under the lock:
fewer round trips, and far fewer chances to collide. The same holds for a Namespace:
`progress.done += 1` reads an attribute, then writes it.

The manager is a process: it runs until shutdown() is called, and a proxy is useless after
that. So open it in a `with` block, and copy what you need out of it (`results[:]` copies a
list proxy in one round trip) before the block ends.

The grader hands your functions a dict, a Namespace and a Lock from a manager of its own that
makes every unlocked read-modify-write lose updates, so a race shows on every run.
"""

from multiprocessing import Manager, Process  # noqa: F401  (you will need them)


def add_votes(votes, lock, ballots):
    """Worker: for each ballot (a candidate's name), add 1 to votes[ballot], holding `lock`.

    Example:
        >>> add_votes(votes, lock, ["ada", "grace", "ada"])   # "ada" gains 2 votes, "grace" 1
    """
    # TODO: for each name in ballots, hold the lock while you add 1 to votes[name].
    raise NotImplementedError("add_votes: add 1 to votes[name] for each ballot, each under `with lock:`")


def count_votes(votes, lock, ballots, workers):
    """Count the ballots into the manager dict `votes` using `workers` processes.

    Args:
        votes: a manager dict proxy holding 0 for every candidate.
        lock: a manager Lock proxy, to hold around each read-modify-write of votes.
        ballots: candidates' names, one per ballot.
        workers: how many processes to start; give each a share of the ballots
            (ballots[i::workers]) and run add_votes on it.

    Returns:
        A plain dict copy of the counts (votes.copy()), taken after every process is joined.

    Example:
        >>> count_votes(manager.dict({"ada": 0, "grace": 0}), manager.Lock(),
        ...             ["ada", "grace", "ada"], workers=2)
        {'ada': 2, 'grace': 1}
    """
    # TODO: start `workers` Processes with target=add_votes, each with its share; join them all.
    raise NotImplementedError("count_votes: write add_votes first, then start `workers` processes running it, join them, return votes.copy()")


def record_jobs(progress, lock, jobs):
    """Worker: for each job (a number), add 1 to progress.done and the job to progress.total.

    Both updates are read-modify-writes through a Namespace proxy: hold `lock` for each.

    Example:
        >>> record_jobs(progress, lock, [5, 7])   # progress.done += 2, progress.total += 12
    """
    # TODO: for each job, hold the lock while you update progress.done and progress.total.
    raise NotImplementedError("record_jobs: add 1 to progress.done and the job to progress.total for each job, under `with lock:`")


def track_progress(progress, lock, jobs, workers):
    """Record every job in the manager Namespace `progress` using `workers` processes.

    Args:
        progress: a manager Namespace proxy with progress.done == 0 and progress.total == 0.
        lock: a manager Lock proxy.
        jobs: numbers; each worker takes a share (jobs[i::workers]) and runs record_jobs on it.
        workers: how many processes to start.

    Returns:
        (progress.done, progress.total), read after every process is joined.

    Example:
        >>> track_progress(manager.Namespace(done=0, total=0), manager.Lock(), [1, 2, 3], 2)
        (3, 6)
    """
    # TODO: start `workers` Processes with target=record_jobs; join them all; read the two values.
    raise NotImplementedError("track_progress: write record_jobs first, then run it in `workers` processes, join them, return (progress.done, progress.total)")


def append_results(results, func, items):
    """Worker: append (item, func(item)) to the manager list `results` for each item.

    One append is one call to the manager, carried out whole: no lock is needed.

    Example:
        >>> append_results(results, square, [2, 3])   # results gains (2, 4) and (3, 9)
    """
    # TODO: for each item, append the pair (item, func(item)) to results.
    raise NotImplementedError("append_results: append (item, func(item)) to results for each item")


def collect_results(func, items, workers):
    """Compute func(item) for every item in `workers` processes that share a manager list.

    Start a Manager of your own in a `with` block, make a list in it, run append_results in
    `workers` processes (each with a share of the items: items[i::workers]), join them, and
    copy the pairs out before the block ends and the manager shuts down.

    Returns:
        A plain list of (item, func(item)) pairs, sorted by item.

    Example:
        >>> collect_results(square, [3, 1, 2], workers=2)
        [(1, 1), (2, 4), (3, 9)]
    """
    # TODO: in `with Manager() as manager:` make manager.list(), run the workers, join them,
    # and return a sorted plain copy.
    raise NotImplementedError("collect_results: write append_results first, then open `with Manager() as manager:`, run the workers on manager.list(), return a sorted plain copy")
