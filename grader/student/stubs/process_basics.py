"""Starting processes, waiting for them, and getting their results back.

Lesson: "Basic Process Creation" (and "Why Multiprocessing?").

A `multiprocessing.Process` runs a function in a separate Python interpreter with its own GIL,
so several of them really run at the same time on several cores. The life of a process:

    p = Process(target=func, args=(1, 2))   # describe it
    p.start()                               # it begins running; start() returns at once
    p.join()                                # wait until it has finished
    p.exitcode                              # 0 if func returned, 1 if it raised, n for sys.exit(n)

Two things trip people up. First, processes only run together if you start all of them before
you join any: start-join-start-join runs them one after another. Second, a child's return value
is lost: processes share no memory, so results come back through a `multiprocessing.Queue`.

Targets must be functions defined at module level: under the spawn start method (the default on
macOS and Windows) the child imports your module by name to find them.
"""

from multiprocessing import Process, Queue  # noqa: F401  (you will need them)


def start_all_then_join(target, args_list):
    """Run target(*args) in its own process for every tuple in args_list, all at the same time.

    Start every process first, then join every process.

    Args:
        target: a function defined at module level.
        args_list: a list of argument tuples, one per process.

    Returns:
        The exit codes of the processes, in the order of args_list.

    Example:
        >>> start_all_then_join(sys.exit, [(0,), (3,)])
        [0, 3]
    """
    # TODO: create one Process per args tuple, start them all, then join them all.
    raise NotImplementedError("start_all_then_join: create a Process per args tuple, start all, join all, return exit codes")


def results_from_children(func, inputs):
    """Compute func(x) for every input, each in a child process of its own, and collect results.

    Children finish in any order. Have each child put an (index, result) pair on a shared
    Queue, and put every result at its index. Take the results off the queue before you join
    the children: a child that has put something on a queue waits until it is read.

    Args:
        func: a function defined at module level, taking one input.
        inputs: a list of inputs (may be empty).

    Returns:
        [func(x) for x in inputs], computed in child processes, in the order of inputs.

    Example:
        >>> results_from_children(abs, [-2, 3])
        [2, 3]
    """
    # TODO: write a small module-level helper that runs func and puts (index, result) on a Queue;
    # TODO: start one Process per input with that helper, collect len(inputs) pairs, then join.
    raise NotImplementedError("results_from_children: start a Process per input that puts (index, func(x)) on a Queue")


def run_with_deadline(target, args, timeout_s):
    """Run target(*args) in a child process, but give up on it after timeout_s seconds.

    Args:
        target: a function defined at module level.
        args: its arguments, as a tuple.
        timeout_s: how long to wait, in seconds.

    Returns:
        The child's exit code if it finished in time; otherwise None, after the child has been
        terminated and joined, so that nothing is left running.

    Example:
        >>> run_with_deadline(time.sleep, (60,), 0.5)   # gives up after half a second
        None
    """
    # TODO: start the process, join(timeout_s); if it is still alive, terminate() and join() it.
    raise NotImplementedError("run_with_deadline: start a Process, join(timeout_s), terminate it if still alive")
