"""Free-threaded Python: threads that compute in parallel, and the races that come with them.

Track: modern (`grade --track modern`). Needs a free-threaded build of Python (3.13t, 3.14t:
`python3.14t`, or "Free-threaded" in the python.org installer); elsewhere this topic is not
available and counts nowhere.

On a standard build, the GIL lets one thread at a time run Python code: threads help with
waiting, never with computing (the lesson's first topic measured it). A free-threaded build
(PEP 703; supported since Python 3.14, PEP 779) has no GIL. Threads of one process then really
run on several cores at once, and they share that process's memory: no pickling, no copies,
no start-up of a new interpreter.

What changed from the GIL build, in both directions:

- CPU work on threads now speeds up, as it does on processes.
- Races are real now. `counts[key] = counts.get(key, 0) + 1` is a read, an addition and a write:
  two threads can read the same old value, and one increment is lost. The GIL made that rare
  (a thread switch had to fall just between the read and the write); without it, threads run
  those steps at the same moment, and updates are lost all the time. A dict itself stays
  consistent (CPython locks each dict inside one operation), but nothing joins your two
  operations into one: a threading.Lock held around both does.

    lock = threading.Lock()
    with lock:
        counts[key] = counts.get(key, 0) + 1

Keep the work itself outside the lock, or the threads take turns again, as under a GIL.
"""

import threading  # noqa: F401  (you will need them)
from concurrent.futures import ThreadPoolExecutor  # noqa: F401


def threaded_map(func, items, workers):
    """func(item) for every item, on `workers` threads of this process, all running at once.

    Args:
        func: a function taking one item (CPU-bound: it computes, it does not wait).
        items: a list of items.
        workers: how many threads.

    Returns:
        A list with func(item) for every item, in the order of `items`.

    Example:
        >>> threaded_map(abs, [-1, 2, -3], workers=2)
        [1, 2, 3]
    """
    # TODO: a ThreadPoolExecutor(max_workers=workers) in a `with` block; its map() keeps the
    # TODO: order of the items.
    raise NotImplementedError("threaded_map: map func over the items on a ThreadPoolExecutor(max_workers=workers) in a `with` block")


def tally(func, items, workers, counts):
    """Count the answers of func over the items in the dict `counts`, from `workers` threads.

    For every item, some thread computes key = func(item) and adds one to counts[key] (a key
    not yet in counts starts at 0). Every thread updates the same dict.

    Args:
        func: a function taking one item and returning a key.
        items: a list of items.
        workers: how many threads.
        counts: a dict, updated in place (empty, or with counts from before).

    Returns:
        None; when it returns, counts[key] has gone up by how many items gave that key.

    Example:
        >>> counts = {}
        >>> tally(lambda x: x % 2, [1, 2, 3], workers=2, counts=counts)
        >>> counts
        {1: 2, 0: 1}
    """
    # TODO: one threading.Lock for the whole call, shared by every thread.
    # TODO: each thread computes func(item) outside the lock, then, holding it, reads the old
    # TODO: count and writes the new one.
    raise NotImplementedError("tally: update counts from a ThreadPoolExecutor's threads, each read-add-write of counts under one threading.Lock")
