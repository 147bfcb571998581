"""Checks for pipes (lesson: Pipes for Two-Way Communication).

The worker function is driven by a parent the kit plays, in the student's process, over a
duplex Pipe: the answers must come back in order, and once that parent closes its end the worker
must end by itself. ask() runs under a watch, in the student's process too, that keeps every
Process it starts and stops a worker still running after a few seconds: how each worker ended
(by itself, stopped, never joined, or stopped by the watch because it waited forever for EOF) is
the evidence, under every start method, since under fork a child holds copies of the parent's
ends. Large requests and answers (1 MB each way) show whether both sides can be sending at once.
The one-way pipe is read from a producer that pauses, and from one that dies abruptly partway,
where only EOF can end the read. The answers are checked here against the grader's own.
"""

import time

import pytest

from grader.call_errors import StudentRaised
from grader.measuring.pipe_peers import END_WAIT_S, WatchReport, drive, new_watch, watch_call
from grader.measuring.start_methods import under_every_start_method
from student_runtime.instruments.start_methods import call_under
from student_runtime.workloads.items import StaggeredSquare
from student_runtime.workloads.pipes import DIED_WITH, NumberedLines, invert, reply
from student_runtime.workloads.tasks import TaskLog
from grader.reporting.feedback import mismatch
from grader.reporting.verdicts import blocking_call, describe_error, pickling_problem

# None among them: only EOFError may end the worker's loop, never a request.
REQUESTS = ["hello", 42, None, (1, 2), "", "bye"]
ASK_ITEMS = [3, 1, 4, 1, 5, 9, 2, 6, 0]
# Far more than any pipe's buffer (64 KiB one-way on Linux, about 200 KiB duplex).
LARGE_BYTES = 1_000_000
LARGE_COUNT = 4
# A correct ask() takes well under half a second even under spawn on a busy machine.
HANG_LIMIT_S = 2.5
PREFIX = "line"

STILL_RUNNING = (
    "The worker was still running {wait:g} s after the parent closed its end of the pipe, so it "
    "never saw EOFError and the grader stopped it. EOFError comes only when every copy of the "
    "parent's end is closed, and the worker holds one: the parent_end it was given. Close "
    "parent_end first thing in answer_requests, and leave the loop when recv() raises EOFError."
)
ASK_WAITS_FOR_ANSWER = (
    "ask() waited in recv() for an answer that never came. The worker must send each answer as "
    "soon as it has read its request; and should the worker die, recv() raises EOFError only if "
    "the parent closed its own copy of the child's end right after start()."
)
BOTH_SENDING = (
    "Both processes were sending 1 MB messages and neither was reading: a message larger than "
    "the pipe's buffer goes through only as fast as the other side reads it. ask() sent request "
    "after request without reading the answers, while the worker was stuck sending its first "
    "answer. Read each answer before sending the next request, or send the requests from a "
    "thread while the main thread reads the answers."
)
WORKER_NEVER_ENDED = (
    "after ask() had its answers the worker was still waiting in Connection.recv() for another "
    "request, so join() waited with it until the grader stopped the worker after {limit:g} s. "
)
PARENT_KEEPS_ITS_END = (
    "The worker sees EOFError only when every copy of the parent's end is closed: close the "
    "parent's end in ask() before join(), and have the worker close the copy it was given."
)
FORK_COPY = (
    "A child started with fork inherits a copy of every pipe end its parent has open, the "
    "parent's end included, and that copy keeps the pipe open after ask() closes its own. Pass "
    "the parent's end to the worker as well and close it there first thing (answer_requests "
    "takes it for that): then the worker ends under every start method."
)
READER_WAITS_FOREVER = (
    "The parent waited in recv() after the child had sent its last item and ended. recv() "
    "raises EOFError only when every copy of the writing end is closed, and one copy is the "
    "parent's own, made by Pipe(). Close the writer in the parent right after start(), then "
    "recv() until EOFError."
)
DEAD_CHILD_SAYS_NOTHING = (
    " Here the child died after 3 items without a word, as a process killed by the system "
    "would: no final message comes, so only EOFError can tell the reader it is over."
)


def raise_if_not_started(run) -> None:
    """A stub's NotImplementedError, raised in the worker, counts as not started here too."""
    if run.raised_type == "NotImplementedError":
        raise NotImplementedError(run.raised.removeprefix("NotImplementedError:").strip())


def raised_in_worker(run) -> str:
    line = (run.report or {}).get("line")
    where = f" (line {line} of your module)" if line else ""
    return f"answer_requests raised {run.raised}{where}"


def ask_watched(student, ask, handler, requests, method: str | None = None,
                reports: dict | None = None) -> list:
    """ask(handler, requests) under a WorkerWatch (and a start method, when given); its answers.

    The watch's report goes in reports[method], even when ask() raised. An error caused by the
    watch stopping a hung worker says so.
    """
    watch = new_watch(student, HANG_LIMIT_S)
    watched = (watch_call(watch, ask, handler, requests) if method is None else
               watch_call(watch, call_under, method, ask, handler, requests))
    if reports is not None:
        reports[method] = watched.report
    error = watched.raised
    if error is None:
        return watched.returned
    if not (error.is_a((EOFError, OSError)) and watched.report.hung):
        raise error
    call = blocking_call(error) or "ask()"
    raise AssertionError(
        f"ask() was still waiting in {call}() after {HANG_LIMIT_S:g} s, so the grader stopped "
        f"its worker and the wait ended in {error.type_name}. "
        + (BOTH_SENDING if call == "Connection.send" else ASK_WAITS_FOR_ANSWER)) from None


@pytest.mark.check("correctness", points=1, timeout=6)
def test_requests_answered_in_order(exercise, student, check_report, scratch):
    run = drive(student, exercise.answer_requests, reply, REQUESTS, scratch / "worker.json")
    raise_if_not_started(run)
    expected = [reply(request) for request in REQUESTS]
    check_report.record({"requests": len(REQUESTS), "answers": len(run.answers)},
                        f"The worker answered all {len(REQUESTS)} requests, in order.")
    answered = len(run.answers)
    if answered < len(expected) and run.answers == expected[:answered]:
        why = (raised_in_worker(run) + "." if run.raised else
               f"then it {'ended' if run.exitcode is not None else 'stopped answering'}.")
        raise AssertionError(
            f"The worker answered {answered} of {len(REQUESTS)} requests; the next one was "
            f"{REQUESTS[answered]!r}, and {why} Answer every request with "
            "conn.send(handler(request)): only EOFError from recv() ends the loop, and every "
            "other object, None included, is a request.")
    assert run.answers == expected, mismatch(
        f"answer_requests(conn, parent_end, reply) with the requests {REQUESTS}", run.answers,
        expected, "Send back handler(request) for each request, one answer per request, in order.")


@pytest.mark.check("hygiene", points=1, timeout=6)
def test_worker_ends_at_eof(exercise, student, check_report, scratch):
    run = drive(student, exercise.answer_requests, reply, REQUESTS, scratch / "worker.json")
    raise_if_not_started(run)
    check_report.record({"ended_by_itself": run.ended_by_itself, "exitcode": run.exitcode,
                         "seconds_to_end": run.seconds_to_end},
                        f"The worker ended {run.seconds_to_end} s after the parent closed its end.")
    assert run.ended_by_itself, STILL_RUNNING.format(wait=END_WAIT_S)
    if run.raised:
        advice = (" recv() raises EOFError once the parent's end is closed and everything sent has "
                  "been read: that is the signal to stop, so catch it, leave the loop, close conn "
                  "and return the count." if run.raised_type == "EOFError" else
                  " Start answer_requests in a Process yourself, as its docstring shows, to see "
                  "the traceback.")
        raise AssertionError(f"When the parent closed its end, {raised_in_worker(run)} in the "
                             "worker instead of returning." + advice)
    assert run.exitcode == 0, (
        f"The worker process ended with exit code {run.exitcode} instead of 0. Let "
        "answer_requests return once recv() raises EOFError.")
    assert run.returned == len(run.answers), mismatch(
        f"answer_requests(...) after {len(run.answers)} requests and EOF", run.returned,
        len(run.answers), "Return the number of requests answered.")


@pytest.mark.check("correctness", points=2, timeout=9)
def test_ask_answers_in_order(exercise, student, check_report, task_log):
    check_report.timeout_advice["Connection.recv"] = ASK_WAITS_FOR_ANSWER
    log = task_log
    handler = StaggeredSquare(log.directory, {})
    got = ask_watched(student, exercise.ask, handler, ASK_ITEMS)
    expected = [x * x for x in ASK_ITEMS]
    assert got == expected, mismatch(f"ask(square, {ASK_ITEMS})", got, expected,
                                     "Send each request and receive its answer, in order.")
    pids = {record.pid for record in log.read()}
    check_report.record({"worker_pids": len(pids), "answers": len(got)},
                        f"One worker process answered all {len(ASK_ITEMS)} requests, in order.")
    assert student.pid not in pids, (
        "Every answer was computed in the calling process itself. Start a worker Process "
        "running answer_requests, and send it the requests over the Pipe.")
    assert len(pids) == 1, (
        f"The answers came from {len(pids)} different processes. Start one worker and send it "
        "every request over the same Pipe: starting a process per request is the cost a worker "
        "that answers requests saves.")
    got = ask_watched(student, exercise.ask, handler, [])
    assert got == [], mismatch("ask(square, [])", got, [], "No requests, no answers.")


# How a worker ended, when it did not end well, and what to do about it; the first that applies.
FATES = {
    "none": ("ask() started no process: every answer was computed in the calling process. "
             "Start a worker Process running answer_requests."),
    "hung": WORKER_NEVER_ENDED,
    "left_running": ("ask() returned while its worker was still running. Close your end of the "
                     "pipe, then join() the worker before returning."),
    "unjoined": ("ask() returned without joining its worker: it ended, but nobody collected its "
                 "exit, so it stays a zombie. Close your end, then join() it."),
    "stopped": ("ask() stopped its worker with a signal (exit code {code}, as terminate() and "
                "kill() do) instead of letting it end. Close your end of the pipe, so that the "
                "worker's recv() raises EOFError and it returns; then join() it."),
    "failed": ("the worker ended with exit code {code}: it raised instead of returning. Does it "
               "catch EOFError, and return, once the parent's end is closed?"),
}


def worker_fate(watch: WatchReport) -> tuple[str, int | None] | None:
    """The first of FATES that applies to the workers of one ask() call, with an exit code."""
    if not watch.fates:
        return "none", None
    for how in ("hung", "left_running", "unjoined", "stopped", "failed"):
        for fate in watch.of_kind(how):
            return how, fate.exitcode
    return None


def under(methods: list[str], every: list[str]) -> str:
    """How a message names the start methods it speaks of: "Under every start method (...)"
    when they are all of them, else "Under spawn and forkserver"."""
    if len(methods) > 1 and methods == every:
        return f"Under every start method ({', '.join(methods)})"
    return "Under " + " and ".join(methods)


@pytest.mark.check("hygiene", points=2, timeout=12)
def test_ask_ends_its_worker(exercise, student, check_report, scratch):
    check_report.timeout_advice["Connection.recv"] = ASK_WAITS_FOR_ANSWER
    handler = StaggeredSquare(scratch / "tasks", {})
    ask = exercise.ask
    watches = {}

    def ask_under_watch(method):
        ask_watched(student, ask, handler, ASK_ITEMS[:4], method, watches)

    runs = under_every_start_method(ask_under_watch)
    methods = [run.method for run in runs]
    for run in runs:
        if isinstance(run.error, StudentRaised) and run.error.is_a(NotImplementedError):
            raise run.error
    exit_codes = {method: [fate.exitcode for fate in watch.fates]
                  for method, watch in watches.items()}
    check_report.record(
        {"start_methods": {run.method: {"worker_exit_codes": exit_codes.get(run.method),
                                        "seconds": run.seconds} for run in runs}},
        f"The worker ended by itself once ask() closed its end, and was joined, under "
        f"{', '.join(methods)}.")
    for run in runs:
        if run.error is not None and not isinstance(run.error, AssertionError):
            pickling = pickling_problem(run.error)
            raise AssertionError(
                f"Under {run.method}, "
                + (pickling.format(error=describe_error(run.error), where="") if pickling
                   else f"ask() raised {describe_error(run.error)}."))
    fates = {method: worker_fate(watches[method]) if method in watches else None
             for method in methods}
    for method in methods:
        if fates[method] is None:
            continue
        how, code = fates[method]
        alike = [m for m in methods if fates[m] and fates[m][0] == how]
        message = f"{under(alike, methods)}, " + FATES[how].format(code=code, limit=HANG_LIMIT_S)
        if how == "hung":
            message += FORK_COPY if alike == ["fork"] else PARENT_KEEPS_ITS_END
        raise AssertionError(message)
    for run in runs:
        if run.error is not None:
            raise run.error


@pytest.mark.check("hygiene", points=2, timeout=6)
def test_large_messages_do_not_deadlock(exercise, student, check_report):
    check_report.timeout_advice["Connection.send"] = BOTH_SENDING
    check_report.timeout_advice["Connection.recv"] = ASK_WAITS_FOR_ANSWER
    requests = [bytes([number]) * LARGE_BYTES for number in range(LARGE_COUNT)]
    ask = exercise.ask
    started = time.monotonic()
    got = ask_watched(student, ask, invert, requests)
    seconds = round(time.monotonic() - started, 3)
    wrong = [i for i, request in enumerate(requests) if i >= len(got) or got[i] != invert(request)]
    check_report.record({"requests": LARGE_COUNT, "bytes_each_way": LARGE_BYTES * LARGE_COUNT,
                         "seconds": seconds},
                        f"{LARGE_COUNT} requests and answers of 1 MB each went through in "
                        f"{seconds:.2f} s without a deadlock.")
    assert len(got) == LARGE_COUNT and not wrong, (
        f"Called ask(invert, {LARGE_COUNT} requests of 1 MB): got {len(got)} answers, and "
        f"those at {wrong} were not invert(request). Return one answer per request, in order.")


def collect(exercise, produce):
    """collect_from_child(produce, PREFIX), with EOFError escaping it explained."""
    try:
        return exercise.collect_from_child(produce, PREFIX)
    except StudentRaised as error:
        if not error.is_a(EOFError):
            raise
        raise AssertionError(
            "collect_from_child let EOFError escape. recv() raises it once the writer is closed "
            "everywhere and every item has been read: it is how the reader learns the child is "
            "done, so catch it, stop reading, join the child and return.") from None


@pytest.mark.check("correctness", points=1, timeout=5)
def test_one_way_pipe_delivers_every_item(exercise, student, check_report, scratch):
    check_report.timeout_advice["Connection.recv"] = READER_WAITS_FOREVER
    produce = NumberedLines(scratch / "producer", count=6, pause_before=3, pause_s=0.3)
    got = collect(exercise, produce)
    expected = (produce.lines(PREFIX), 0)
    pids = {record.pid for record in TaskLog(produce.log_dir).read()}
    check_report.record({"items": len(expected[0]), "producer_pids": len(pids)},
                        f"All {len(expected[0])} items came through the one-way pipe, in order.")
    assert got == expected, mismatch(
        f"collect_from_child(produce, {PREFIX!r}) with a producer that pauses 0.3 s before "
        "its 4th item", got, expected,
        "Return (items, exitcode): keep reading until recv() raises EOFError, however long the "
        "child takes between items; join the child and take its exitcode.")
    assert pids and student.pid not in pids, (
        "produce ran in the calling process itself. Only the child may call produce(arg): the "
        "reader cannot know how many items will come, which is what EOFError is for.")


@pytest.mark.check("hygiene", points=1, timeout=4)
def test_reader_sees_eof_when_the_child_dies(exercise, check_report, scratch):
    check_report.timeout_advice["Connection.recv"] = READER_WAITS_FOREVER + DEAD_CHILD_SAYS_NOTHING
    produce = NumberedLines(scratch / "producer", count=6, die_after=3)
    got = collect(exercise, produce)
    expected = (produce.lines(PREFIX), DIED_WITH)
    check_report.record({"items_before_death": len(expected[0]), "exitcode": DIED_WITH},
                        "The reader got the 3 items sent before the child died, then EOFError.")
    if got == ([], DIED_WITH):
        raise AssertionError(
            "The child died after produce had yielded 3 items, and none of them reached the "
            "parent: they were held back to be sent together at the end. Send each item as soon "
            "as produce yields it.")
    assert got == expected, mismatch(
        f"collect_from_child(produce, {PREFIX!r}) with a child that dies with exit code "
        f"{DIED_WITH} after 3 items", got, expected,
        "Return the items that arrived before EOFError and the exit code join() left in "
        "child.exitcode.")
