"""Large shared data: a NumPy array in shared memory, transformed in place by several processes.

Lesson: "Large shared data: SharedMemory" (multiprocessing.shared_memory, Python 3.8+).

Sending an array to a worker pickles it: 100 MB of data are copied into a pipe, and copied
again into the worker. For large data, put it once in a shared-memory *segment* instead and
send the workers only its name:

    shm = SharedMemory(create=True, size=values.nbytes)             # a new segment, by name
    array = np.ndarray(values.shape, dtype=values.dtype, buffer=shm.buf)
    array[...] = values                                             # copy the data in, once

A worker attaches to the same memory by that name and sees the very same bytes: what it writes
into its slice, the parent reads, and nothing was copied:

    shm = SharedMemory(name=name)
    array = np.ndarray(shape, dtype=dtype, buffer=shm.buf)

A segment outlives the processes that use it, so clean up in two steps:

- close() in every process that opened it, once it is done with it. close() refuses with
  "BufferError: cannot close exported pointers exist" while a NumPy array still views the
  segment, so drop the array first (`del array`).
- unlink() once, in the process that created it, when every worker is done: that frees the
  memory. Do it in a `finally:` block, so that it happens even when a worker fails.

A segment nobody unlinks stays in memory (on Linux, in /dev/shm) after every process has
ended. Up to Python 3.12 a "resource tracker" process unlinks leaked segments when your
program ends, with a warning; Python 3.13 added `SharedMemory(..., track=False)`, which keeps
the tracker out of it, so that a segment can outlive its creator on purpose: then unlink()
is entirely the creator's job, and a forgotten one leaks until the machine restarts.

Functions you send to a process must be defined at module level (workers find them by name).
"""

from multiprocessing import Process  # noqa: F401  (you will need it)
from multiprocessing.shared_memory import SharedMemory  # noqa: F401  (you will need it)

import numpy as np  # noqa: F401  (you will need it)


def create_shared_array(values):
    """Copy a NumPy array into a new shared-memory segment.

    Args:
        values: a NumPy array.

    Returns:
        (shm, array): the new SharedMemory, and a NumPy array of values.shape and values.dtype
        whose buffer is shm.buf, holding a copy of values. The caller closes and unlinks shm.

    Example:
        >>> shm, array = create_shared_array(np.arange(4.0))
        >>> array, shm.name
        (array([0., 1., 2., 3.]), 'psm_1f2a3b4c')
    """
    # TODO: create a SharedMemory of values.nbytes bytes, view its buf as an array, copy values in.
    raise NotImplementedError("create_shared_array: create SharedMemory(create=True, size=values.nbytes) and view its buf with np.ndarray")


def transform_slice(name, shape, dtype, start, stop, func):
    """Worker: attach to the segment `name` and let func change array[start:stop] in place.

    Args:
        name: the segment's name (shm.name).
        shape, dtype: the shape and dtype of the array in the segment.
        start, stop: the slice of the array this worker owns.
        func: a function that changes the array it is given in place, as func(block).

    Returns:
        None. The result is in the shared memory.

    Example:
        >>> transform_slice(shm.name, (4,), "<f8", 0, 2, func)   # func(array[0:2]) in this process
    """
    # TODO: attach with SharedMemory(name=name), view it as an array, call func on your slice;
    # TODO: then drop the array (del) and close() the segment. Never unlink it here.
    raise NotImplementedError("transform_slice: attach with SharedMemory(name=name) and call func(array[start:stop])")


def parallel_transform(values, func, workers):
    """Apply func to a shared copy of values, in place, with `workers` processes; return the result.

    Put values in shared memory with create_shared_array, give each of `workers` processes one
    contiguous slice (together they cover the whole array; np.linspace helps to cut it), and
    send each only the segment's name, shape, dtype and its slice's bounds, never the data.

    Args:
        values: a 1-D NumPy array (not changed).
        func: a function defined at module level that changes the array it is given in place.
        workers: how many processes to start.

    Returns:
        A new ordinary NumPy array with the transformed values, copied out of the segment.

    Raises:
        RuntimeError: when a worker failed (its exit code is not 0). Even then the segment must
        be closed and unlinked before the error leaves the function.

    Example:
        >>> parallel_transform(np.arange(4.0), double_in_place, workers=2)
        array([0., 2., 4., 6.])
    """
    # TODO: create the shared array; start a Process running transform_slice for every slice;
    # TODO: join them all, raise if an exit code is not 0, copy the result out;
    # TODO: in a `finally:`, drop the array, close() and unlink() the segment.
    raise NotImplementedError("parallel_transform: write create_shared_array and transform_slice first, then start a Process per slice")
