"""Known wrong: one executor kept at module level and never shut down: its interpreters stay,
each with its own modules in memory."""
from concurrent.futures import InterpreterPoolExecutor

from solutions.interpreters import CANNOT_CROSS, send_each  # noqa: F401

_executors = {}


def interpreter_map(func, items, workers):
    executor = _executors.setdefault(workers, InterpreterPoolExecutor(max_workers=workers))
    return list(executor.map(func, items))
