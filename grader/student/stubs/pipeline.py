"""A parallel pipeline: three stages of processes joined by queues.

Lesson: "Practical Patterns", "Parallel Pipeline".

Work that flows through steps (read it, transform it, collect it) can run as a pipeline: each
step is a stage running in its own process, and queues carry the items from stage to stage.
All stages run at once, and the slow one, here a CPU-heavy transform, gets several workers:

    items -> [read] --tasks--> [transform] x workers --results--> [collect] -> results, in order
             1 process          `workers` processes                your own process

The messages on the queues:

    (seq, item)     the read stage numbers every item: seq is 0, 1, 2, ... in the order of items
    (seq, result)   a transform worker sends result = func(item) on, with the same seq
    SENTINEL        "nothing more is coming" (None here)

Sentinels travel stage to stage. The transform workers share one queue and each takes whatever
comes next, so the read stage puts one SENTINEL per worker after the last item; a worker that
takes its SENTINEL puts one on the results queue and stops; the collect stage is done when it has
had one SENTINEL from every worker. Everything put on a Queue is pickled, so the process at the
other end gets a copy: None survives that (every process has the one None, so `is None` holds
there), while a copy of a fresh `object()` is a different object that nothing recognises.

The workers finish items in any order (a quick item overtakes a slow one), so results arrive
out of order: the collect stage keeps each one under its seq and returns them sorted by seq.

When a stage fails, the whole pipeline must stop, without a hang and without leaving a process
behind. Two kinds of failure:

- func raises for an item. The exception stays in the worker; send it on instead of a result,
  for example as (seq, PipelineError("item 3 failed: ValueError: ...")), so that the collect
  stage can raise it.
- A process is killed (out of memory, a crash in C code). It sends nothing, not even its
  SENTINEL, so a collector that only waits would wait forever. Wait with a timeout
  (`in_queue.get(timeout=0.05)` raises queue.Empty), and each time nothing came, look at the
  stage processes: one whose `exitcode` is set and not 0 has died.

Either way, run_pipeline stops every stage process as soon as the failure is known: terminate()
each one, then join() each one (a `try`/`except`/`finally` does it), and lets the PipelineError
reach the caller.

The grader hands run_pipeline instrumented transforms that record which process ran each item,
when, and with how much CPU.
"""

import queue  # noqa: F401  (you will need them)
from multiprocessing import Process, Queue  # noqa: F401

SENTINEL = None


class PipelineError(RuntimeError):
    """A stage of the pipeline failed; the message says where and why."""


def read_stage(items, out_queue, workers):
    """Stage 1: put every item on out_queue with its sequence number, then one SENTINEL per worker.

    Args:
        items: a list of items (may be empty).
        out_queue: the queue the transform workers take from.
        workers: how many transform workers there are.

    Example:
        read_stage(["a", "b"], tasks, workers=3) puts, in this order:
        (0, "a"), (1, "b"), SENTINEL, SENTINEL, SENTINEL
    """
    # TODO: for seq, item in enumerate(items): put (seq, item); then put SENTINEL `workers` times.
    raise NotImplementedError("read_stage: put (seq, item) for every item, numbered from 0, then one SENTINEL per worker")


def transform_stage(func, in_queue, out_queue):
    """Stage 2, run by each of the workers: (seq, item) in, (seq, func(item)) out, until its SENTINEL.

    Args:
        func: the transform, a function of one item.
        in_queue: the queue the read stage fills.
        out_queue: the queue the collect stage empties.

    Takes messages from in_queue one at a time. For (seq, item) it puts (seq, func(item)) on
    out_queue. On SENTINEL it puts one SENTINEL on out_queue and returns, without taking any
    more messages: the ones after it belong to the other workers. If func raises, the
    exception should travel on too (see the module docstring).

    Example:
        with (0, 5), (1, 7), SENTINEL on in_queue and func = square, it puts
        (0, 25), (1, 49), SENTINEL on out_queue and returns.
    """
    # TODO: loop: take a message; on SENTINEL put SENTINEL and return; else put (seq, func(item)).
    raise NotImplementedError("transform_stage: take (seq, item) messages until SENTINEL, put (seq, func(item)) for each, then pass one SENTINEL on")


def collect_stage(in_queue, workers, processes=()):
    """Stage 3, in your own process: take results until every worker has sent its SENTINEL.

    Args:
        in_queue: the queue the transform workers fill.
        workers: how many transform workers there are, so how many SENTINELs to wait for.
        processes: the stage processes to watch while waiting (none when called on its own);
            if one of them has died, raise PipelineError instead of waiting forever.

    Returns:
        The results, sorted by their seq.

    Raises:
        PipelineError: a transform worker sent one in place of a result, or a process died.

    Example:
        with (1, "b"), SENTINEL, (0, "a"), SENTINEL on in_queue and workers=2, it returns
        ["a", "b"].
    """
    # TODO: count SENTINELs until there are `workers`; keep results by seq; return them sorted by seq.
    raise NotImplementedError("collect_stage: take messages until one SENTINEL per worker has come, keep each result under its seq, return them in seq order")


def run_pipeline(func, items, workers):
    """The whole pipeline: [func(item) for item in items], transformed by `workers` processes.

    Args:
        func: the transform, a function of one item (defined at module level, so it pickles).
        items: a list of items (may be empty).
        workers: how many transform workers to start.

    Returns:
        The results, in the order of the items.

    Raises:
        PipelineError: a stage failed. By then every stage process has been stopped and joined.

    Example:
        >>> run_pipeline(square, [1, 2, 3], workers=2)
        [1, 4, 9]
    """
    # TODO: two Queues; a Process for read_stage and `workers` for transform_stage; start them
    # all; collect_stage here, watching them; join them all; on a failure, terminate() them first.
    raise NotImplementedError("run_pipeline: write the three stages first, then start one reader and `workers` transform processes joined by two Queues, and collect here")
