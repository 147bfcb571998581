"""Why processes? The same job done serially, with threads and with processes.

Lesson: "Why Multiprocessing?", "Multiprocessing vs Threading" and the table "Multiprocessing vs
Alternatives".

CPython runs Python code under a Global Interpreter Lock (GIL): in one process, only one thread
at a time executes Python bytecode. Threads still help when the work is *waiting* (for the
network, a disk, a sleep), because a waiting thread lets go of the GIL and another one runs.
But for CPU-bound work threads only take turns, and the job takes as long as it did serially.

A process is a separate Python interpreter with its own GIL, so several processes really
compute at the same time, one per core. That is what multiprocessing is for. It has costs:
starting a process takes milliseconds, and everything sent to it is pickled and copied.

Here you write the same "apply func to every item" three ways and watch the grader time them:

    run_serially        one item after another, in this process
    run_with_threads    several threads of this process (concurrent.futures.ThreadPoolExecutor)
    run_with_processes  several worker processes (multiprocessing.Pool)

and then, from the lesson's table, pick the right tool for a described workload.

(A free-threaded build of Python 3.13+ can run threads without the GIL; the grader notices and
says so, but the rest of the lesson holds on every Python.)

The functions you pass to worker processes must be defined at module level (workers find them
by name), and a pool must be shut down when you are done: `with Pool(workers) as pool:` does it.
"""

from concurrent.futures import ThreadPoolExecutor  # noqa: F401  (you will need them)
from multiprocessing import Pool  # noqa: F401

# The workloads of the lesson's table, and the tools it names. choose_tool() takes one of the
# first and returns one of the second: use these constants, not strings of your own.
CPU_HEAVY = "CPU-heavy calculation"
NETWORK_IO = "network I/O"
FILE_IO = "file I/O"
MANY_SMALL_TASKS = "many small tasks"
LARGE_SHARED_DATA = "large shared data"
NUMPY_OPERATIONS = "NumPy operations"
WORKLOADS = (CPU_HEAVY, NETWORK_IO, FILE_IO, MANY_SMALL_TASKS, LARGE_SHARED_DATA, NUMPY_OPERATIONS)

MULTIPROCESSING = "multiprocessing"
THREADING = "threading"
ASYNCIO = "asyncio"
POOL_WITH_CHUNKSIZE = "Pool with chunksize"
SHARED_MEMORY = "SharedMemory"
NUMPY = "NumPy"
TOOLS = (MULTIPROCESSING, THREADING, ASYNCIO, POOL_WITH_CHUNKSIZE, SHARED_MEMORY, NUMPY)


def run_serially(func, items):
    """Apply `func` to every item, one after another, in this process and this thread.

    This is the baseline the other two are measured against.

    Args:
        func: a function taking one item.
        items: a list of items.

    Returns:
        A list with func(item) for every item, in the order of `items`.

    Example:
        >>> run_serially(abs, [-1, 2, -3])
        [1, 2, 3]
    """
    # TODO: a plain loop (or a list comprehension) over the items.
    raise NotImplementedError("run_serially: return [func(item) for item in items]")


def run_with_threads(func, items, workers):
    """Apply `func` to every item on `workers` threads of this process, all running at once.

    Args:
        func: a function taking one item.
        items: a list of items.
        workers: how many threads to run at once.

    Returns:
        A list with func(item) for every item, in the order of `items` (whichever finishes first).

    Example:
        >>> run_with_threads(abs, [-1, 2, -3], workers=2)
        [1, 2, 3]
    """
    # TODO: open a ThreadPoolExecutor(max_workers=workers) in a `with` block; its map() keeps
    # TODO: the order of the items.
    raise NotImplementedError("run_with_threads: map func over the items on a ThreadPoolExecutor(max_workers=workers)")


def run_with_processes(func, items, workers):
    """Apply `func` to every item on `workers` worker processes, all running at once.

    Args:
        func: a function defined at module level, taking one item.
        items: a list of items.
        workers: how many worker processes to start.

    Returns:
        A list with func(item) for every item, in the order of `items`.

    Example:
        >>> run_with_processes(abs, [-1, 2, -3], workers=2)
        [1, 2, 3]
    """
    # TODO: open a Pool(workers) in a `with` block and map func over the items.
    raise NotImplementedError("run_with_processes: map func over the items on a Pool(workers) in a `with` block")


def choose_tool(workload):
    """The best tool for a workload, as the lesson's table "Multiprocessing vs Alternatives" has it.

    Args:
        workload: one of WORKLOADS (CPU_HEAVY, NETWORK_IO, ...).

    Returns:
        One of TOOLS. Where the table offers two tools, either is right.

    Raises:
        ValueError: for a workload that is not in WORKLOADS, naming the ones that are.

    Example:
        >>> choose_tool(CPU_HEAVY)
        'multiprocessing'
    """
    # TODO: one entry per row of the table: a dict from workload to tool does it.
    # TODO: raise ValueError for anything else.
    raise NotImplementedError("choose_tool: map each of the WORKLOADS to one of the TOOLS, as the lesson's table does")
