"""Reference solution for why_processes."""

from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool

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

BEST_TOOL = {
    CPU_HEAVY: MULTIPROCESSING,
    NETWORK_IO: THREADING,
    FILE_IO: THREADING,
    MANY_SMALL_TASKS: POOL_WITH_CHUNKSIZE,
    LARGE_SHARED_DATA: SHARED_MEMORY,
    NUMPY_OPERATIONS: NUMPY,
}


def run_serially(func, items):
    return [func(item) for item in items]


def run_with_threads(func, items, workers):
    with ThreadPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(func, items))


def run_with_processes(func, items, workers):
    with Pool(workers) as pool:
        return pool.map(func, items)


def choose_tool(workload):
    if workload not in BEST_TOOL:
        raise ValueError(f"unknown workload {workload!r}; expected one of {', '.join(WORKLOADS)}")
    return BEST_TOOL[workload]
