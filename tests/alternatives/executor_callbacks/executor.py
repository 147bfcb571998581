"""A correct alternative: results gathered by add_done_callback (callbacks run as each future
finishes), map with buffersize where Python has it (3.14), and a stuck worker killed with
kill_workers() or, before 3.14, Process.kill(), followed by an ordinary shutdown()."""
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool


def _collect(items, func, workers, on_done):
    with ProcessPoolExecutor(max_workers=workers) as executor:
        for item in items:
            future = executor.submit(func, item)
            future.add_done_callback(lambda f, item=item: on_done(item, f))


def results_as_completed(func, items, workers):
    pairs = []
    _collect(items, func, workers, lambda item, f: pairs.append((item, f.result())))
    return pairs


def executor_map(func, items, workers):
    options = {"buffersize": 2 * workers} if sys.version_info >= (3, 14) else {}
    with ProcessPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(func, items, **options))


def errors_by_item(func, items, workers):
    results, errors = {}, {}

    def keep(item, future):
        error = future.exception()
        if error is None:
            results[item] = future.result()
        else:
            errors[item] = error

    _collect(items, func, workers, keep)
    return results, errors


def first_to_finish(func, items, workers):
    with ProcessPoolExecutor(max_workers=workers) as executor:
        futures = [executor.submit(func, item) for item in items]
        done, _ = wait(futures, return_when=FIRST_COMPLETED)
        cancelled = [future.cancel() for future in futures]
        first = next(f for f in futures if f in done)
        return items[futures.index(first)], first.result(), sum(cancelled)


def result_or_none(func, arg, timeout_s):
    executor = ProcessPoolExecutor(max_workers=1)
    try:
        return executor.submit(func, arg).result(timeout=timeout_s)
    except TimeoutError:
        if hasattr(executor, "kill_workers"):
            executor.kill_workers()
        else:
            for process in list(executor._processes.values()):
                process.kill()
        return None
    finally:
        executor.shutdown()


def run_surviving_a_crash(func, items, workers):
    results, lost = {}, []

    def keep(item, future):
        if isinstance(future.exception(), BrokenProcessPool):
            lost.append(item)
        else:
            results[item] = future.result()

    _collect(items, func, workers, keep)
    return results, sorted(lost)
