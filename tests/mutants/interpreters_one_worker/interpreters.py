"""Known wrong: a pool of one interpreter, whatever `workers` says."""
from concurrent.futures import InterpreterPoolExecutor

from solutions.interpreters import CANNOT_CROSS, send_each  # noqa: F401


def interpreter_map(func, items, workers):
    with InterpreterPoolExecutor(max_workers=1) as executor:
        return list(executor.map(func, items))
