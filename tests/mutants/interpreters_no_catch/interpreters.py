"""Known wrong: a value that cannot cross raises NotShareableError, which is not caught."""
from concurrent.futures import InterpreterPoolExecutor

from solutions.interpreters import CANNOT_CROSS, interpreter_map  # noqa: F401


def send_each(func, values, workers):
    with InterpreterPoolExecutor(max_workers=workers) as executor:
        return [future.result() for future in [executor.submit(func, v) for v in values]]
