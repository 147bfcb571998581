"""`grade watch`: a saved topic file is graded again, with file events and with polling, and
Ctrl-C leaves nothing running."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest

from grader.student.last_run import current_topic
from grader.student.watch import next_save, topic_of
from tests.conftest import KIT_ROOT, RUN_MARKER, stray_processes, write_pristine_exercises


def test_only_topic_modules_directly_in_the_folder_count(tmp_path):
    folder = tmp_path.resolve()
    assert topic_of(str(folder / "pool_map.py"), folder) == "pool_map"
    assert topic_of(str(folder / "notes.py"), folder) is None
    assert topic_of(str(folder / "pool_map.py~"), folder) is None
    assert topic_of(str(folder / "sub" / "pool_map.py"), folder) is None


def test_a_burst_of_events_is_one_save():
    import queue
    saved = queue.Queue()
    for topic in ("pool_map", "pool_map", "shared_values", "pool_map"):
        saved.put(topic)
    assert next_save(saved) == ["pool_map", "shared_values"]


def test_without_a_last_run_the_current_topic_is_the_first(tmp_path):
    assert current_topic(tmp_path / "missing.json", tmp_path).id == "why_processes"


class Watching:
    """`grade watch` running in a subprocess, its output collected line by line."""

    def __init__(self, folder, *args):
        self.run_id = uuid.uuid4().hex
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(KIT_ROOT),
               RUN_MARKER: self.run_id}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "grader", "watch", *args, "--target", str(folder),
             "--json", str(folder.parent / "card.json")],
            cwd=folder.parent, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def wait_for(self, words, count=1, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sum(words in line for line in self.lines) >= count:
                return
            time.sleep(0.05)
        raise AssertionError(f"never saw {words!r} x{count}:\n{''.join(self.lines)}")

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.parametrize("how", [(), ("--poll",)], ids=["file events", "polling"])
def test_saving_a_topic_file_grades_it_again_and_ctrl_c_stops_cleanly(tmp_path, how):
    folder = write_pristine_exercises(tmp_path / "exercises")
    watching = Watching(folder, "shared_values", *how)
    try:
        watching.wait_for("Watching")
        assert any("shared_values      0/10  not_started" in line for line in watching.lines)
        shutil.copy(KIT_ROOT / "solutions" / "shared_values.py", folder / "shared_values.py")
        watching.wait_for("Watching", count=2)
        assert sum("== grading shared_values ==" in line for line in watching.lines) == 2
        assert any("shared_values     10/10  passed" in line for line in watching.lines)
    finally:
        code = watching.stop()
    assert code == 0, "".join(watching.lines)
    assert "Stopped watching." in watching.lines[-1]
    assert stray_processes(watching.run_id) == []
