"""Known wrong: processes, where the topic asks for interpreters in one process."""
from concurrent.futures import ProcessPoolExecutor

from solutions.interpreters import CANNOT_CROSS, send_each  # noqa: F401


def interpreter_map(func, items, workers):
    with ProcessPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(func, items))
