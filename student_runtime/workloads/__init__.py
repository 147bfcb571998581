"""Work that suites hand to student code, which records where, when and how it ran.

Everything here is importable by name, so that it pickles and runs under fork, spawn and
forkserver alike. Tasks note what they did through `notes`: in files that any process can append
to, whichever start method created it and whoever its parent is, and at the grader's desk, which
learns from the operating system which process sent each note.

- notes: where tasks note what they did (files, and the grader's desk)
- tasks: CPU-bound tasks, the task log, and small targets (square, exit_with, sleep_forever)
- items: tasks followed item by item (executor, pool_methods)
- waiting: tasks that wait, fail or look things up (why_processes, best_practices)
- words: the word corpus and recording mapper (map_reduce)
- streams: producers' batches and a recording consumer handler (queues)
- pipes: a worker run in a child that reports how it ended, and producers for one-way pipes (pipes)
- jobs: jobs and the progress log for apply_async with callbacks (callbacks)
- stages: scripted queues for one stage, and transforms that finish out of order or fail (pipeline)
- arrays: per-block NumPy transforms (shared_memory)
"""
