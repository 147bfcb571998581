"""A correct alternative: threads started by hand, each taking every workers-th item and writing
its results at their indexes; a ProcessPoolExecutor for processes; the table as if/elif, with
asyncio for network I/O."""
import threading
from concurrent.futures import ProcessPoolExecutor

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
    results = []
    for item in items:
        results.append(func(item))
    return results


def run_with_threads(func, items, workers):
    items = list(items)
    results = [None] * len(items)

    def work(first):
        for index in range(first, len(items), workers):
            results[index] = func(items[index])

    threads = [threading.Thread(target=work, args=(first,)) for first in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def run_with_processes(func, items, workers):
    with ProcessPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(func, items))


def choose_tool(workload):
    if workload == CPU_HEAVY:
        return MULTIPROCESSING
    elif workload == NETWORK_IO:
        return ASYNCIO
    elif workload == FILE_IO:
        return THREADING
    elif workload == MANY_SMALL_TASKS:
        return POOL_WITH_CHUNKSIZE
    elif workload == LARGE_SHARED_DATA:
        return SHARED_MEMORY
    elif workload == NUMPY_OPERATIONS:
        return NUMPY
    raise ValueError(f"no row for {workload!r} in the table; known workloads: {WORKLOADS}")
