"""Known wrong: threads of the calling interpreter, which take turns on its one GIL (on a
standard build)."""
from concurrent.futures import ThreadPoolExecutor

from solutions.interpreters import CANNOT_CROSS, send_each  # noqa: F401


def interpreter_map(func, items, workers):
    with ThreadPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(func, items))
