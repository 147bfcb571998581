"""Pipes: a worker that answers requests until the other end closes, and a one-way stream.

Lesson: "Pipes for Two-Way Communication".

`Pipe()` returns two connected ends. Whatever one end send()s, the other end recv()s, in order,
as a whole object (it is pickled on the way). `Pipe()` is duplex: both ends send and receive.
`Pipe(duplex=False)` returns (reader, writer): one way only.

    parent_end, child_end = Pipe()
    worker = Process(target=serve, args=(child_end, parent_end))
    worker.start()
    child_end.close()            # this process will never use the child's end
    parent_end.send("ping")
    parent_end.recv()            # waits for the worker's answer
    parent_end.close()           # the worker's recv() now raises EOFError...
    worker.join()                # ...so it can end, and join() returns

How does a reader know that nothing more will come? recv() raises EOFError once the other end
is closed and everything sent has been read. That is the clean way to stop a loop, and it works
even when the other process died without a word. But an end is closed only when EVERY copy of
it is closed: a child started with fork inherits a copy of every end the parent had open, and
one started with spawn or forkserver gets a copy of every end you pass to it. So each process
closes the ends it will not use, right away:

- the parent closes its copy of the child's end after start();
- the child closes its copy of the parent's end before anything else.

Forget one and EOFError never comes: the reader waits in recv() forever.

A pipe holds only a little data (64 KiB for a one-way pipe on Linux, a few hundred KiB for a
duplex one): send() of a larger message returns only once the other side has read most of it.
If both sides send large messages before either reads, both wait for ever. Read each answer
before sending the next request, or send from a thread while you read.

Functions a child runs must be defined at module level: under spawn and forkserver the child
imports this module by name to find them.
"""

from multiprocessing import Pipe, Process  # noqa: F401  (you will need them)


def answer_requests(conn, parent_end, handler):
    """The worker: answer every request that arrives on conn with handler(request), in order.

    Runs in a child process. First close parent_end (this process's copy of the other end:
    while it is open, EOFError cannot come). Then loop: recv() a request, send() back
    handler(request). When recv() raises EOFError the parent has closed its end: stop, close
    conn, and return. Any object can be a request, None included.

    Args:
        conn: this worker's end of a duplex Pipe.
        parent_end: the parent's end of the same Pipe; close it first.
        handler: a function defined at module level, taking one request.

    Returns:
        The number of requests answered.

    Example:
        >>> parent_end, child_end = Pipe()
        >>> worker = Process(target=answer_requests, args=(child_end, parent_end, abs))
        >>> worker.start(); child_end.close()
        >>> parent_end.send(-3); parent_end.recv()
        3
        >>> parent_end.close(); worker.join(); worker.exitcode
        0
    """
    # TODO: close parent_end, then recv/send until recv() raises EOFError; count the answers.
    raise NotImplementedError("answer_requests: close parent_end, then answer each conn.recv() with conn.send(handler(request)) until EOFError")


def ask(handler, requests):
    """Have one worker process answer every request over a duplex Pipe; return its answers.

    Create the Pipe, start a Process running answer_requests (give it both ends), and close
    the child's end here. Send the requests and collect the answers, in order, without
    deadlocking when requests and answers are each far larger than the pipe's buffer. Then
    close your end, so that the worker sees EOFError and ends by itself, and join it.

    Args:
        handler: a function defined at module level, taking one request.
        requests: a list of requests (may be empty).

    Returns:
        [handler(r) for r in requests], computed by the worker process, in order.

    Example:
        >>> ask(abs, [-1, 2, -3])
        [1, 2, 3]
    """
    # TODO: Pipe(), start the worker, close child_end; send each request and recv its answer;
    # TODO: close parent_end, join the worker, return the answers.
    raise NotImplementedError("ask: create a Pipe and start a Process running answer_requests; send each request, recv each answer")


def send_items(writer, produce, arg):
    """The child of a one-way pipe: send every item of produce(arg) on writer, then close it.

    Send each item as soon as produce yields it, not all at the end: if this process dies
    partway, the items already sent must still reach the reader.

    Args:
        writer: the writing end of a one-way Pipe.
        produce: a generator function defined at module level; produce(arg) yields the items.
        arg: the argument for produce.

    Returns:
        None.

    Example:
        >>> reader, writer = Pipe(duplex=False)
        >>> send_items(writer, range, 3)   # sends 0, 1, 2, then closes writer
        >>> [reader.recv() for _ in range(3)]
        [0, 1, 2]
    """
    # TODO: for each item of produce(arg): writer.send(item); then writer.close().
    raise NotImplementedError("send_items: writer.send() each item of produce(arg), then writer.close()")


def collect_from_child(produce, arg):
    """Run produce(arg) in a child that streams its items to you over a one-way Pipe.

    Create Pipe(duplex=False), start a Process running send_items, and close your copy of the
    writing end. Then recv() until EOFError: how many items will come is not known in
    advance, and the child may die partway without saying so. Join the child last.

    Args:
        produce: a generator function defined at module level; produce(arg) yields the items.
        arg: the argument for produce.

    Returns:
        (items, exitcode): every item the child sent, in order, and the child's exit code
        (0 when produce finished normally).

    Example:
        >>> collect_from_child(range, 3)
        ([0, 1, 2], 0)
    """
    # TODO: Pipe(duplex=False), start the child, close writer here; recv until EOFError; join.
    raise NotImplementedError("collect_from_child: create Pipe(duplex=False), start a Process running send_items, close the writer in the parent")
