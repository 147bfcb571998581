"""Subinterpreters: many interpreters in one process, each with a GIL of its own (Python 3.14).

Track: modern (`grade --track modern`). Needs Python 3.14 or newer; elsewhere this topic is not
available and counts nowhere.

A process has always been able to hold several interpreters, each with its own modules, its
own objects and, since Python 3.12, its own GIL (PEP 684). Python 3.14 lets you use them
(PEP 734): `concurrent.futures.InterpreterPoolExecutor` runs each task in one of a pool of
interpreters, each on a thread of its own. So CPU work runs in parallel, as on processes, on a
standard build of Python, yet inside one process:

    from concurrent.futures import InterpreterPoolExecutor

    with InterpreterPoolExecutor(max_workers=4) as executor:
        results = list(executor.map(func, items))

The trade against a process pool: an interpreter starts in milliseconds and costs a few MB of
memory, a process in tens of milliseconds and tens of MB (the grader measures both here and
shows them). But interpreters share no objects. What crosses from one to another is a copy:
plain data (ints, floats, strings, bytes, None, tuples of them) crosses as it is, and what
pickle can rebuild (lists, dicts, functions defined at module level) is pickled. What is tied to
the interpreter that made it (a lock, an event, an open file, a generator) cannot cross:
result() raises concurrent.interpreters.NotShareableError. Extension modules must support
subinterpreters too; NumPy, for one, does not yet.
"""

from concurrent.futures import InterpreterPoolExecutor  # noqa: F401  (you will need them)
from concurrent.interpreters import NotShareableError  # noqa: F401

# What send_each() gives for a value that cannot be sent to another interpreter.
CANNOT_CROSS = "cannot cross"


def interpreter_map(func, items, workers):
    """func(item) for every item, on `workers` interpreters of this process, all running at once.

    Args:
        func: a function defined at module level, taking one item.
        items: a list of items that can cross to another interpreter.
        workers: how many interpreters.

    Returns:
        A list with func(item) for every item, in the order of `items`.

    Example:
        >>> interpreter_map(abs, [-1, 2, -3], workers=2)
        [1, 2, 3]
    """
    # TODO: an InterpreterPoolExecutor(max_workers=workers) in a `with` block; its map() keeps
    # TODO: the order of the items.
    raise NotImplementedError("interpreter_map: map func over the items on an InterpreterPoolExecutor(max_workers=workers) in a `with` block")


def send_each(func, values, workers):
    """func(value) run in another interpreter for every value, or CANNOT_CROSS for a value that
    cannot be sent there.

    Args:
        func: a function defined at module level, taking one value.
        values: a list of values, some of which cannot cross (a lock, say).
        workers: how many interpreters.

    Returns:
        A list, in the order of `values`: func(value), or CANNOT_CROSS where the value could not
        be sent to another interpreter.

    Example:
        >>> import threading
        >>> def kind(value):  # at module level in real code
        ...     return type(value).__name__
        >>> send_each(kind, [1, threading.Lock()], workers=2)
        ['int', 'cannot cross']
    """
    # TODO: submit func(value) for every value first, then take each future's result();
    # TODO: result() raises NotShareableError for a value that cannot cross: catch that one
    # TODO: exception only, and put CANNOT_CROSS in its place.
    raise NotImplementedError("send_each: submit every value to an InterpreterPoolExecutor, then catch NotShareableError from each result()")
