"""Known wrong: None, not CANNOT_CROSS, for a value that cannot cross."""
from concurrent.futures import InterpreterPoolExecutor
from concurrent.interpreters import NotShareableError

from solutions.interpreters import CANNOT_CROSS, interpreter_map  # noqa: F401


def send_each(func, values, workers):
    results = []
    with InterpreterPoolExecutor(max_workers=workers) as executor:
        for future in [executor.submit(func, value) for value in values]:
            try:
                results.append(future.result())
            except NotShareableError:
                results.append(None)
    return results
