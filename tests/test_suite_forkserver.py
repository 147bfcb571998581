"""A suite process forked by the suite forkserver is the process the runner would have started:
the same environment, working folder, path, session, output and exit code. The server holds
no secret, survives what its suite processes do, and is replaced when it is gone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from grader import system
from grader.running import suite_forkserver
from grader.running.runner import start_suite, suite_environment
from grader.running.suite_env import PREFIX as SUITE_ENV_PREFIX
from grader.settings import Settings, resolve_target
from grader.topics import get_topic

pytestmark = pytest.mark.skipif(not suite_forkserver.available(),
                                reason="suite processes are forked on Linux only")

TOPIC = get_topic("pool_map")
# A check that reports what its process looks like, then ends as its file says.
PROBE = '''
import json, os, sys, time

def test_probe():
    with open("probe.json", "w") as out:
        json.dump({"pid": os.getpid(), "sid": os.getsid(0), "cwd": os.getcwd(),
                   "environ": dict(os.environ), "path": sys.path[:3],
                   "stdin": sys.stdin.read()}, out)
    print("to stdout")
    print("to stderr", file=sys.stderr)
    sys.stdout.flush()  # os._exit below flushes nothing
    if os.environ.get("PROBE_SLEEP"):
        time.sleep(60)
    os._exit(int(os.environ.get("PROBE_EXIT", "0")))
'''


@pytest.fixture
def probe_run(tmp_path, monkeypatch):
    """Start the probe check as the runner starts a suite process; returns (process, workdir,
    environment)."""
    (tmp_path / "test_probe.py").write_text(PROBE)
    extra = tmp_path / "on-the-path"
    extra.mkdir()

    def run(forked: bool | None, **env_extra):
        """forked: True, False (started on its own), or None (however the runner starts it)."""
        workdir = tmp_path / {True: "forked", False: "started", None: "either"}[forked]
        workdir.mkdir(exist_ok=True)
        env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(extra), "PYTHONUNBUFFERED": "1",
               "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PROBE_SETTING": "set", **env_extra}
        args = [str(tmp_path / "test_probe.py"), "-q", "-s", "-p", "no:cacheprovider"]
        with monkeypatch.context() as patched:
            if forked is False:
                patched.setattr(suite_forkserver, "available", lambda: False)
            proc = start_suite(args, env, workdir, workdir / "output.log")
        if forked is not None:
            assert isinstance(proc, suite_forkserver.ForkedSuite) == forked
        return proc, workdir, env

    return run


def probed(workdir):
    return json.loads((workdir / "probe.json").read_text())


def test_a_forked_suite_process_is_the_one_the_runner_would_start(probe_run):
    seen = {}
    for forked in (True, False):
        proc, workdir, env = probe_run(forked)
        assert proc.wait(timeout=30) == 0
        seen[forked] = probe = probed(workdir)
        assert probe["sid"] == probe["pid"] == proc.pid, "a session of its own"
        assert probe["cwd"] == str(workdir)
        assert probe["stdin"] == ""
        output = (workdir / "output.log").read_text()
        assert "to stdout" in output and "to stderr" in output
    assert seen[True]["environ"] == seen[False]["environ"]
    assert seen[True]["path"] == seen[False]["path"]


def test_the_exit_code_and_a_kill_reach_the_runner(probe_run):
    proc, _, _ = probe_run(True, PROBE_EXIT="7")
    assert proc.wait(timeout=30) == 7 and proc.poll() == 7
    proc, workdir, _ = probe_run(True, PROBE_SLEEP="1")
    deadline = time.monotonic() + 30
    while not (workdir / "probe.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    with pytest.raises(subprocess.TimeoutExpired):
        proc.wait(timeout=0.1)
    assert proc.poll() is None
    proc.kill()
    assert proc.wait(timeout=10) == -signal.SIGKILL


def test_the_server_holds_no_secret_and_is_replaced_when_gone(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_SIGNING_KEY", "never-in-the-server")
    suite_forkserver.stop_server()
    (tmp_path / "test_probe.py").write_text(PROBE)
    settings = Settings(topics=(TOPIC,), target=resolve_target("solutions"),
                        json_path=tmp_path / "x.json", start_method="spawn",
                        cpus=system.CpuCount(2, "CPU affinity"))
    env = suite_environment(TOPIC, settings, tmp_path)
    args = [str(tmp_path / "test_probe.py"), "-q", "-s", "-p", "no:cacheprovider"]
    proc = start_suite(args, env, tmp_path, tmp_path / "output.log")
    assert isinstance(proc, suite_forkserver.ForkedSuite) and proc.wait(timeout=30) == 0
    assert "GRADER_SIGNING_KEY" not in probed(tmp_path)["environ"]
    server = psutil.Process(suite_forkserver.server_pid())
    held = server.environ()
    assert "GRADER_SIGNING_KEY" not in held
    # What the server holds, a suite process gets: none of one topic's own settings.
    assert held and all(env[name] == value for name, value in held.items()), held
    assert not [name for name in held if name.startswith(SUITE_ENV_PREFIX)]
    server.kill()
    server.wait(10)
    proc = start_suite(args, env, tmp_path, tmp_path / "output.log")
    assert isinstance(proc, suite_forkserver.ForkedSuite) and proc.wait(timeout=30) == 0
    assert suite_forkserver.server_pid() != server.pid


def test_the_server_forks_from_a_single_thread_with_no_blas_loaded(probe_run):
    # A fork copies only the thread that forks; a BLAS (NumPy's) may start threads as it loads.
    proc, _, _ = probe_run(True)
    assert proc.wait(timeout=30) == 0
    server = psutil.Process(suite_forkserver.server_pid())
    assert server.num_threads() == 1
    loaded = [m.path for m in server.memory_maps()]
    assert not [path for path in loaded if "numpy" in path or "blas" in path.lower()], loaded


def test_a_server_that_cannot_start_is_given_up_for_the_run(probe_run, monkeypatch):
    suite_forkserver.stop_server()
    monkeypatch.setattr(suite_forkserver, "SERVER_MAIN", "raise SystemExit(3)")
    monkeypatch.setattr(suite_forkserver, "_given_up", False)
    for _ in range(2):
        proc, _, _ = probe_run(None)
        assert proc.wait(timeout=30) == 0
    assert suite_forkserver._given_up and suite_forkserver.server_pid() is None


def test_an_end_kept_for_a_pid_given_out_again_is_not_taken_for_the_new_process(probe_run):
    proc, workdir, _ = probe_run(True, PROBE_SLEEP="1")
    server = suite_forkserver._server
    # As if an earlier process with this pid had ended and nobody had asked how.
    with server._changed:
        server._exits[proc.pid] = 0
    server._take({"id": -1, "pid": proc.pid})
    assert proc.poll() is None
    proc.kill()
    assert proc.wait(timeout=10) == -signal.SIGKILL


def test_a_suite_process_forked_after_ctrl_c_is_killed(probe_run, monkeypatch, tmp_path):
    import _thread
    import threading

    suite_forkserver.stop_server()
    # A server slow to start, so that Ctrl-C comes while the runner waits for its answer.
    monkeypatch.setattr(suite_forkserver, "SERVER_MAIN",
                        "import time; time.sleep(1); " + suite_forkserver.SERVER_MAIN)
    threading.Timer(0.3, _thread.interrupt_main).start()
    with pytest.raises(KeyboardInterrupt):
        probe_run(True, PROBE_SLEEP="1")
    suite_forkserver.stop_server()  # as the grading process exits: once the server has answered
    time.sleep(1)  # a suite process left running would have written its probe by now
    probe = tmp_path / "forked" / "probe.json"
    if probe.exists():
        assert not running(json.loads(probe.read_text())["pid"])


def running(pid: int) -> bool:
    """Whether pid runs (a zombie has ended: only its reaping is left)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
