"""While a check runs, grading shows which check and for how long: in place on a terminal, a
line every few seconds in a log once a check runs past a few seconds."""

import io
import json
import subprocess
import sys

from grader.running.progress import ProgressLine
from grader.running.runner import RunningCheck, wait_for_suite


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_the_line_is_rewritten_with_the_elapsed_time():
    stream = Terminal()
    progress = ProgressLine(stream)
    progress.topic_started(1, 3, "pool_map")
    progress.check_running("results_in_order", 0.3)
    progress.check_running("speedup", 4.2)
    progress.check_running("speedup", 7.0)
    progress.topic_finished(8.5)
    text = stream.getvalue()
    assert "\r[1/3] grading pool_map ... results_in_order running for 0 s" in text
    assert "\r[1/3] grading pool_map ... speedup running for 4 s" in text
    assert "speedup running for 7 s" in text
    last = text.rstrip("\n").rsplit("\r", 1)[-1]
    assert last.startswith("[1/3] grading pool_map ... 8.5 s") and last.strip().endswith("8.5 s")


def test_in_a_log_a_line_is_added_every_few_seconds():
    stream = io.StringIO()
    progress = ProgressLine(stream)
    progress.topic_started(2, 3, "process_basics")
    for elapsed in (1.0, 3.5, 5.1, 5.4, 9.9, 10.2):
        progress.check_running("large_results_do_not_deadlock", elapsed)
    progress.topic_finished(11.0)
    lines = stream.getvalue().splitlines()
    assert lines == ["[2/3] grading process_basics ...",
                     "    large_results_do_not_deadlock still running after 5 s",
                     "    large_results_do_not_deadlock still running after 10 s",
                     "    finished after 11.0 s"]


def test_a_quick_topic_keeps_one_line():
    stream = io.StringIO()
    progress = ProgressLine(stream)
    progress.topic_started(1, 1, "shared_values")
    progress.check_running(None, 0.0)
    progress.topic_finished(0.4)
    assert stream.getvalue() == "[1/1] grading shared_values ... 0.4 s\n"


def test_the_running_check_is_read_from_the_growing_event_file(tmp_path):
    events = tmp_path / "events.jsonl"
    running = RunningCheck(events)
    assert running.poll() == (None, 0.0)  # no file yet
    with open(events, "a") as file:
        file.write(json.dumps({"event": "started", "name": "speedup"}) + "\n")
        file.write('{"event": "check", "na')  # cut short: not read yet
    name, elapsed = running.poll()
    assert name == "speedup" and elapsed >= 0
    with open(events, "a") as file:
        file.write('me": "speedup"}\n')
    assert running.poll() == (None, 0.0)


def test_waiting_reports_progress_and_calls_the_deadline(tmp_path):
    seen = []
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        timed_out = wait_for_suite(sleeper, 0.6, tmp_path / "events.jsonl",
                                   lambda name, elapsed: seen.append(name))
    finally:
        sleeper.kill()
        sleeper.wait()
    assert timed_out and seen
    quick = subprocess.Popen([sys.executable, "-c", "pass"])
    assert wait_for_suite(quick, 30, tmp_path / "events.jsonl") is False
