"""Checks for queues (lesson: Queues for Communication).

Producers are handed Batches and consumers a RecordingHandler, which record from inside the
processes that run them which process gave out or handled every item, and when. So an item lost
or handled twice, and which processes produced and consumed, are read from their logs, not
guessed. How every Process the code started ended (joined or not, and its exit code) is seen by
the student's process itself (an ExitWatch built there), whatever the code returns: it can fail
a check, not pass one, and a process it hides as ended is found running by the leftover guard. A
deadlock is called by the check's time limit, with advice for the call the code was stuck in.

- every_item_consumed_once: 2 producers, 3 consumers; each item handled exactly once, by one of
  3 consumer processes, producers and consumers all joined and ending with exit code 0.
- slow_producers_lose_nothing (race): producers that hand out each item only once the one before
  was handled, and start late, so the queue runs empty mid-stream on every run: consumers that
  take an empty queue for the end, or sentinels put before the producers have ended, lose items.
- large_items_do_not_deadlock: 1 MB items; a producer cannot exit until its items are taken.
- rounds_wait_for_join: rounds on a JoinableQueue; no item of a round starts before every item
  of the round before has ended, and the same consumers serve every round.
- dead_consumer_is_reported: a consumer dies mid-item; the call returns with its exit code
  instead of waiting in JoinableQueue.join() forever, and starts no later round.
"""

import time

import pytest

from grader.measuring.process_exits import describe_exit_problems, exits_from
from grader.reporting.feedback import MAX_SHOWN, mismatch, shown
from grader.reporting.verdicts import ANY_CALL
from student_runtime.instruments.exits import ExitWatch
from student_runtime.instruments.threads_left import ThreadsLeft
from student_runtime.workloads.streams import (DIED_EXIT_CODE, Batch, HandlingLog, LargeItem,
                                                RecordingHandler, produced, tally)

PRODUCERS, CONSUMERS = 2, 3
WORKERS = 2
# The second slow producer starts this late: longer than the quiet spell after which most
# consumers that stop at an empty queue give up.
SILENCE_S = 1.0
# A consumer that stops at its sentinel returns within this of the last item (process exits and
# joins on a busy machine); one that stops after a quiet spell takes the whole spell.
LAG_LIMIT_S = 0.5
LARGE_ITEM_BYTES = 1_000_000

MISSING_SENTINEL = (
    "Your code waited for a process that never ended. A consumer ends only when it takes a "
    "sentinel off the queue, and each sentinel stops one consumer: once every producer has been "
    "joined, put one sentinel per consumer (here {consumers} consumers and {producers} producers), "
    "then join the consumers."
)
JOIN_BEFORE_CONSUMING = (
    "The producer had four 1 MB items to put, and your code waited for it to exit while nobody "
    "was taking items off the queue: a process that has put data on a Queue does not exit until "
    "that data has been taken off (the multiprocessing docs warn of this as 'joining processes "
    "that use queues'). Start the consumers before you join the producers."
)
ROUND_NEVER_DONE = (
    "join() on a JoinableQueue returns only once task_done() has been called once for every item "
    "put on it. Have each consumer call task_done() after every item it takes, even when "
    "handling the item fails (try/finally)."
)
DEAD_CONSUMER_HANG = (
    f"A consumer died in the middle of an item (exit code {DIED_EXIT_CODE}), so task_done() was "
    "never called for that item, and JoinableQueue.join() waits forever. join() takes no "
    "timeout: wait for it on a thread of your own, and meanwhile watch the consumers (is_alive() "
    "or exitcode); when one has died, stop the others and return their exit codes."
)
SENTINEL_ENDS_CONSUMER = (
    "A consumer ends only once it has taken its sentinel off the queue: join the producers, put "
    "the sentinels, then join the consumers.")
STOP_AT_EMPTY = (
    "These producers are slow, so the queue is empty now and then before they have finished: a "
    "consumer must not take an empty queue for the end of the stream (empty(), get_nowait() or "
    "a get() timeout), and the sentinels must not go on the queue before every producer has been "
    "joined. Stop each consumer with its own sentinel, put once the producers have ended."
)


def times_shown(counts: dict) -> str:
    pairs = [f"{key}: {n}" for key, n in counts.items()]
    more = f", ... ({len(pairs)} items)" if len(pairs) > MAX_SHOWN else ""
    return ", ".join(pairs[:MAX_SHOWN]) + more


def assert_each_item_once(call: str, expected_keys, log: HandlingLog, advice: str) -> None:
    lost, duplicated = tally(expected_keys, [record.item for record in log.records()])
    assert not duplicated, (
        f"Called {call}: {len(duplicated)} item(s) were handled more than once (item: times "
        f"handled: {times_shown(duplicated)}). Each item must go on the queue once, by the "
        "producer of its batch, and be taken off once.")
    assert not lost, (
        f"Called {call}: {len(lost)} of {len(expected_keys)} items were never handled: "
        f"{shown(lost)}. {advice}")
    not_items = ", ".join(f"{'the sentinel None' if what == 'sentinel' else 'a ' + what} "
                          f"{n} time(s)" for what, n in log.not_items().items())
    assert not not_items, (
        f"Called {call}: handle() was also given what is not an item: {not_items}. A consumer "
        "stops when it takes the sentinel, without handing it to handle(); everything else on the "
        "queue is an item, put there one at a time.")


def assert_exits_clean(exits, expected_codes=(0,),
                       running_advice: str = SENTINEL_ENDS_CONSUMER) -> None:
    problem = describe_exit_problems(exits, expected_codes, running_advice)
    assert problem is None, problem


def consumer_pids(call: str, log: HandlingLog, student_pid: int,
                  producer_pids=frozenset()) -> set[int]:
    pids = {record.pid for record in log.records()}
    assert student_pid not in pids, (
        f"Called {call}: items were handled in the calling process itself, so nothing was "
        "consumed in parallel. Start consumer Processes that take the items off a "
        "multiprocessing Queue and call handle() on them (threads run inside your own process).")
    overlap = pids & set(producer_pids)
    assert not overlap, (
        f"Called {call}: the producer process(es) {sorted(overlap)} also handled items. Producers "
        "only put items; separate consumer processes take them off and handle them.")
    return pids


def watching_exits(student, call):
    """call(), with every Process it starts watched from the student's process: what it returned,
    and how each of those processes ended."""
    watch = student.make(ExitWatch)
    got = call()
    return got, exits_from(watch.stop())


def batches_of(student, keys, log_dir) -> list:
    """One Batch per list of keys, built in the student's process (they create their log folder)."""
    return [student.make(Batch, batch, log_dir) for batch in keys]


@pytest.mark.check("correctness", points=3, timeout=8)
def test_every_item_consumed_once(exercise, student, check_report, scratch):
    check_report.timeout_advice["Process.join"] = MISSING_SENTINEL.format(consumers=CONSUMERS,
                                                                          producers=PRODUCERS)
    keys = [list(range(0, 9)), list(range(100, 109))]
    batches = batches_of(student, keys, scratch / "produced")
    handler = student.make(RecordingHandler, scratch / "consumed", default_pause_s=0.005,
                           rendezvous=CONSUMERS)
    log = HandlingLog(scratch / "consumed")
    call = f"produce_and_consume(<{PRODUCERS} batches of 9 items>, handle, consumers={CONSUMERS})"
    _, exits = watching_exits(
        student, lambda: exercise.produce_and_consume(batches, handler, CONSUMERS))
    assert_exits_clean(exits)
    assert_each_item_once(call, [k for batch in keys for k in batch], log,
                          "Every item of every batch must reach a consumer before its sentinel.")
    makers = produced(scratch / "produced")
    producer_pids = {pid for pid, _ in makers}
    assert student.pid not in producer_pids, (
        f"Called {call}: the batches were iterated in the calling process itself. Start one "
        "producer Process per batch, which iterates its batch and puts each item on the queue.")
    assert len(producer_pids) == PRODUCERS, (
        f"Called {call}: {len(producer_pids)} process(es) put the items of {PRODUCERS} batches. "
        "Start one producer Process per batch.")
    pids = consumer_pids(call, log, student.pid, producer_pids)
    check_report.record({"items": len(makers), "producer_processes": len(producer_pids),
                         "consumer_processes": len(pids), "processes_started": len(exits)},
                        f"{len(makers)} items from {PRODUCERS} producers were each handled once by "
                        f"{len(pids)} consumers; every process ended with exit code 0.")
    started = len([e for e in exits if e.pid not in producer_pids])
    assert len(pids) == CONSUMERS or started < CONSUMERS, (
        f"Called {call}: your code started {started} consumers, but only {len(pids)} of them "
        "handled items; the others ended before an item reached them. A consumer that stops when "
        "the queue looks empty (empty(), get_nowait(), a get() timeout) can end before the "
        "producers have put anything: wait with get() and stop at the sentinel.")
    assert len(pids) == CONSUMERS, (
        f"Called {call}: only {len(pids)} process(es) handled items, with consumers={CONSUMERS}. "
        "Start that many consumer Processes, all taking items off the same queue.")


@pytest.mark.check("race", points=2, timeout=6)
def test_slow_producers_lose_nothing(exercise, student, check_report, scratch):
    keys = [[0, 1, 2, 3], [10, 11, 12, 13]]
    consumers = 2
    check_report.timeout_advice["Process.join"] = MISSING_SENTINEL.format(consumers=consumers,
                                                                          producers=len(keys))
    handler = student.make(RecordingHandler, scratch / "consumed")
    log = HandlingLog(scratch / "consumed")
    # The second producer starts late; each item waits until the one before has been handled.
    batches = [student.make(Batch, batch, scratch / "produced", log.log_dir, start_delay_s=delay,
                            pause_s=0.02) for batch, delay in zip(keys, (0.05, SILENCE_S))]
    call = f"produce_and_consume(<2 slow batches of 4 items>, handle, consumers={consumers})"
    returned_at = []

    def produce_and_consume():
        exercise.produce_and_consume(batches, handler, consumers)
        returned_at.append(time.monotonic())

    _, exits = watching_exits(student, produce_and_consume)
    expected = [k for batch in keys for k in batch]
    records = log.records()
    lost, duplicated = tally(expected, [record.item for record in records])
    lag = round(returned_at[0] - max(record.end for record in records), 3) if records else None
    check_report.record({"expected": len(expected), "final": len(expected) - len(lost),
                         "lost_updates": len(lost), "duplicated": len(duplicated),
                         "workers": consumers, "producers": len(keys),
                         "seconds_from_last_item_to_return": lag},
                        f"No item lost or duplicated in {len(expected)} items from slow producers.")
    assert_exits_clean(exits)
    assert_each_item_once(call, expected, log, STOP_AT_EMPTY)
    assert lag is None or lag <= LAG_LIMIT_S, (
        f"Called {call}: every item was handled, but the call returned {lag:.2f} s after the "
        "last one: the consumers stopped only after a quiet spell of that length, as a "
        "get(timeout=...) does. A longer silence from a producer would have lost items. " +
        STOP_AT_EMPTY)


@pytest.mark.check("hygiene", points=1, timeout=6)
def test_large_items_do_not_deadlock(exercise, student, check_report, scratch):
    check_report.timeout_advice["Process.join"] = JOIN_BEFORE_CONSUMING
    keys = [[0, 1, 2, 3]]
    batches = batches_of(student, [[LargeItem(k, LARGE_ITEM_BYTES) for k in batch]
                                   for batch in keys], scratch / "produced")
    handler = student.make(RecordingHandler, scratch / "consumed")
    log = HandlingLog(scratch / "consumed")
    call = "produce_and_consume(<1 batch of four 1 MB items>, handle, consumers=1)"
    _, exits = watching_exits(student, lambda: exercise.produce_and_consume(batches, handler, 1))
    assert_exits_clean(exits)
    assert_each_item_once(call, [k for batch in keys for k in batch], log,
                          "Every item of every batch must reach a consumer before its sentinel.")
    check_report.record({"item_bytes": LARGE_ITEM_BYTES, "items": 4},
                        "Four 1 MB items went through the queue without a deadlock.")


@pytest.mark.check("correctness", points=2, timeout=6)
def test_rounds_wait_for_join(exercise, student, check_report, scratch):
    check_report.timeout_advice["JoinableQueue.join"] = ROUND_NEVER_DONE
    check_report.timeout_advice["Process.join"] = (
        "Your code waited for a consumer that never ended: after the last round, put one "
        "sentinel per consumer on the JoinableQueue, then join them.")
    rounds = [[0, 1, 2, 3], [10, 11, 12, 13]]
    # The last item of each round is slow: a round started early overlaps it.
    handler = student.make(RecordingHandler, scratch / "consumed",
                           pauses={r[-1]: 0.1 for r in rounds}, default_pause_s=0.01)
    log = HandlingLog(scratch / "consumed")
    call = f"process_in_rounds([[0, 1, 2, 3], [10, 11, 12, 13]], handle, workers={WORKERS})"
    got, exits = watching_exits(student, lambda: exercise.process_in_rounds(rounds, handler,
                                                                            WORKERS))
    assert_exits_clean(exits)
    assert got == [0] * WORKERS, mismatch(call, got, [0] * WORKERS,
                                          "Return the consumers' exit codes, once they are joined.")
    assert_each_item_once(call, [k for r in rounds for k in r], log,
                          "Put every item of every round on the queue before its sentinels.")
    pids = consumer_pids(call, log, student.pid)
    # New consumers for each round may leave one of them without an item on a busy machine: the
    # Processes started count too (the student's word, which can only fail the check).
    assert len(pids) <= WORKERS and len(exits) <= WORKERS, (
        f"Called {call}: {max(len(pids), len(exits))} processes were started to handle items, "
        f"for workers={WORKERS}: your code started new consumers for the rounds. Start them "
        "once; join() on a JoinableQueue waits until a round is done without stopping them.")
    records = log.records()
    round_of = {k: i for i, r in enumerate(rounds) for k in r}
    overlaps = []
    for i in range(len(rounds) - 1):
        last_end = max((rec for rec in records if round_of[rec.item] == i), key=lambda rec: rec.end)
        first_start = min((rec for rec in records if round_of[rec.item] == i + 1),
                          key=lambda rec: rec.start)
        if first_start.start < last_end.end:
            overlaps.append((first_start, last_end))
    check_report.record({"rounds": len(rounds), "consumer_processes": len(pids),
                         "overlapping_rounds": len(overlaps)},
                        f"{len(rounds)} rounds ran one after another on the same {len(pids)} "
                        "consumers.")
    if overlaps:
        early, late = overlaps[0]
        raise AssertionError(
            f"Called {call}: item {early.item} (round {round_of[early.item] + 1}) began "
            f"{late.end - early.start:.2f} s before item {late.item} of round "
            f"{round_of[late.item] + 1} had ended. Put a round's items on the JoinableQueue only "
            "once join() has returned for the round before.")


@pytest.mark.check("hygiene", points=2, timeout=6)
def test_dead_consumer_is_reported(exercise, student, check_report, scratch):
    check_report.timeout_advice["JoinableQueue.join"] = DEAD_CONSUMER_HANG
    check_report.timeout_advice[ANY_CALL] = DEAD_CONSUMER_HANG
    rounds = [list(range(8)), [10, 11, 12, 13]]
    handler = student.make(RecordingHandler, scratch / "consumed", default_pause_s=0.02,
                           dies_on={3})
    log = HandlingLog(scratch / "consumed")
    call = f"process_in_rounds([[0, ..., 7], [10, ..., 13]], handle, workers={WORKERS})"
    watch, threads = student.make(ExitWatch), student.make(ThreadsLeft)
    started = time.monotonic()
    got = exercise.process_in_rounds(rounds, handler, WORKERS)
    took = time.monotonic() - started
    exits = exits_from(watch.stop())
    left = threads.left()
    check_report.record({"seconds_to_return": round(took, 3), "died": len(log.died())},
                        f"A consumer died mid-item; the call returned its exit code after "
                        f"{took:.2f} s.")
    assert log.died(), (
        f"Called {call}: item 3 never reached handle(), so no consumer died as planned. Put every "
        "item of the round on the queue for the consumers.")
    assert_exits_clean(exits, expected_codes=None, running_advice=(
        "Once a consumer has died, stop the others with terminate(), then join every one."))
    assert isinstance(got, list) and len(got) == WORKERS and DIED_EXIT_CODE in got, mismatch(
        call, got, f"{WORKERS} exit codes, one of them {DIED_EXIT_CODE}",
        "Return every consumer's exit code, the dead one's included, once all are joined.")
    later = sorted(rec.item for rec in log.records() if rec.item in rounds[1])
    assert not later, (
        f"Called {call}: after a consumer had died in round 1, items {later} of round 2 were "
        "handled anyway. Once a consumer has died, stop: put no more rounds, stop the other "
        "consumers and return.")
    left = [thread for thread in left if isinstance(thread, dict)] if isinstance(left, list) else []
    assert not left, (
        f"Called {call}: it returned, but {len(left)} thread(s) it started still ran, waiting "
        f"for good (in {shown(left[0].get('waiting_in'))}): a thread that is not a daemon keeps "
        "the program from exiting until it ends, so a script would hang at its end. Wait for "
        "the round in a daemon thread (daemon=True) that can be left behind, or watch the "
        "consumers' sentinels with multiprocessing.connection.wait() instead.")
