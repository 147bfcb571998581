"""Known wrong: every item in the calling interpreter, one after another."""
from solutions.interpreters import CANNOT_CROSS, send_each  # noqa: F401


def interpreter_map(func, items, workers):
    return [func(item) for item in items]
