"""Known wrong: the transform workers are threads, which take turns on the GIL; the reader is a
process and the results are right."""
import threading
from multiprocessing import Process, Queue

from solutions.pipeline import (SENTINEL, PipelineError, collect_stage, read_stage,  # noqa: F401
                                transform_stage)


def run_pipeline(func, items, workers):
    tasks, results = Queue(), Queue()
    reader = Process(target=read_stage, args=(items, tasks, workers))
    threads = [threading.Thread(target=transform_stage, args=(func, tasks, results), daemon=True)
               for _ in range(workers)]
    reader.start()
    for thread in threads:
        thread.start()
    try:
        return collect_stage(results, workers, [reader])
    finally:
        reader.terminate()
        reader.join()
