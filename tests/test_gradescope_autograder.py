"""The Gradescope autograder scripts in instructors/gradescope/, run against a stand-in for
Gradescope's /autograder folder and a stand-in `grade` that records what it was given."""

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.originals import original_stub
from grader.topics import get_topic
from tests.conftest import KIT_ROOT, write_pristine_exercises

SCRIPTS = KIT_ROOT / "instructors" / "gradescope"
pytestmark = pytest.mark.skipif(shutil.which("bash") is None or shutil.which("timeout") is None,
                                reason="the autograder scripts run under bash, on Linux")

# A stand-in for `grade`: keeps its arguments and the folder it was asked to grade, then does
# what $FAKE_GRADE says: write results, crash, write half a file, or wait to be interrupted.
FAKE_GRADE = """\
import json, os, shutil, signal, sys, time
args = sys.argv[1:]
root = os.environ["AUTOGRADER"]
json.dump(args, open(os.path.join(root, "args.json"), "w"))
shutil.copytree(args[args.index("--target") + 1], os.path.join(root, "seen_target"))
results = args[args.index("--gradescope") + 1]
mode = os.environ["FAKE_GRADE"]
if mode == "writes":
    json.dump({"score": 7, "tests": []}, open(results, "w"))
elif mode == "half":
    open(results, "w").write('{"score": 7, "tes')
    sys.exit(3)
elif mode == "waits":
    def interrupted(signum, frame):
        json.dump({"score": 1, "output": "interrupted", "tests": []}, open(results, "w"))
        sys.exit(130)
    signal.signal(signal.SIGINT, interrupted)
    time.sleep(30)
else:
    raise SystemExit(1)
"""


@pytest.fixture
def autograder(tmp_path):
    """/autograder as Gradescope lays it out: the zip's contents in source/, a submission/."""
    root = tmp_path / "autograder"
    write_pristine_exercises(root / "source" / "exercises")
    (root / "submission").mkdir()
    fake = tmp_path / "grade"
    fake.write_text(f"#!{sys.executable}\n{FAKE_GRADE}")
    fake.chmod(0o755)
    return root


def run_autograder(root: Path, mode: str, **env) -> subprocess.CompletedProcess:
    environ = {**os.environ, "AUTOGRADER": str(root), "GRADE": str(root.parent / "grade"),
               "PYTHON": sys.executable, "FAKE_GRADE": mode, **env}
    done = subprocess.run(["bash", str(SCRIPTS / "run_autograder")], env=environ,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done


def results(root: Path) -> dict:
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def test_the_scripts_are_executable_bash():
    for name in ("setup.sh", "run_autograder", "build_zip.sh"):
        script = SCRIPTS / name
        assert script.read_text().startswith("#!/usr/bin/env bash\n")
        assert script.stat().st_mode & stat.S_IXUSR, f"{name} is not executable"
        subprocess.run(["bash", "-n", str(script)], check=True)


def test_results_written_by_grade_are_kept(autograder):
    run_autograder(autograder, "writes")
    assert results(autograder) == {"score": 7, "tests": []}
    args = json.loads((autograder / "args.json").read_text())
    assert args[args.index("--gradescope") + 1] == str(autograder / "results" / "results.json")
    assert "--suites" not in args


@pytest.mark.parametrize("mode", ["crashes", "half"])
def test_a_crash_still_leaves_results(autograder, mode):
    done = run_autograder(autograder, mode)
    found = results(autograder)
    assert found["score"] == 0 and found["tests"] == []
    assert "did not finish" in found["output"]
    assert f"status {1 if mode == 'crashes' else 3}" in found["output"]
    assert "grade exited with status" in done.stdout


def test_running_out_of_time_interrupts_grade_which_still_writes(autograder):
    run_autograder(autograder, "waits", GRADE_TIMEOUT="1")
    assert results(autograder)["output"] == "interrupted"


def test_the_student_files_are_found_and_the_rest_are_stubs(autograder):
    submission = autograder / "submission"
    (submission / "pool_map.py").write_text("# uploaded on its own\n")
    nested = submission / "kit-main" / "exercises"
    nested.mkdir(parents=True)
    (nested / "shared_values.py").write_text("# from a zip of the whole kit\n")
    (submission / "kit-main" / "solutions").mkdir()
    (submission / "kit-main" / "solutions" / "executor.py").write_text("# not the student's\n")
    run_autograder(autograder, "writes")
    seen = autograder / "seen_target"
    assert (seen / "__init__.py").is_file()
    assert (seen / "pool_map.py").read_text() == "# uploaded on its own\n"
    assert (seen / "shared_values.py").read_text() == "# from a zip of the whole kit\n"
    stubs = autograder / "source" / "exercises"
    assert (seen / "executor.py").read_text() == (stubs / "executor.py").read_text()
    args = json.loads((autograder / "args.json").read_text())
    assert Path(args[args.index("--target") + 1]).name == "exercises"


def test_private_suites_in_the_zip_grade_the_submission(autograder):
    (autograder / "source" / "private_suites").mkdir()
    run_autograder(autograder, "writes")
    args = json.loads((autograder / "args.json").read_text())
    assert args[args.index("--suites") + 1] == str(autograder / "source" / "private_suites")


def test_the_student_is_named_from_gradescope_and_the_visibility_file_is_passed(autograder):
    (autograder / "submission_metadata.json").write_text(json.dumps(
        {"id": 1, "users": [{"email": "ada@school.example", "name": "Ada", "id": 7},
                            {"email": "alan@school.example", "name": "Alan", "id": 8}]}))
    (autograder / "source" / "gradescope.toml").write_text('default = "after_published"\n')
    run_autograder(autograder, "writes")
    args = json.loads((autograder / "args.json").read_text())
    assert args[args.index("--student") + 1] == "ada@school.example+alan@school.example"
    assert args[args.index("--gradescope-visibility") + 1] == str(
        autograder / "source" / "gradescope.toml")


def test_the_track_named_in_the_zip_is_graded(autograder):
    run_autograder(autograder, "writes")
    assert "--track" not in json.loads((autograder / "args.json").read_text())
    (autograder / "source" / "track").write_text("modern\n")
    run_autograder(autograder, "writes")
    args = json.loads((autograder / "args.json").read_text())
    assert args[args.index("--track") + 1] == "modern"


@pytest.mark.skipif(shutil.which("python3") is None, reason="build_zip.sh zips with python3")
def test_build_zip_puts_the_scripts_at_the_root(tmp_path):
    private = tmp_path / "my_suites"
    private.mkdir()
    (private / "test_pool_map.py").write_text("")
    visibility = tmp_path / "visibility.toml"
    visibility.write_text('default = "hidden"\n')
    subprocess.run(["bash", str(SCRIPTS / "build_zip.sh"), str(tmp_path / "ag.zip"), str(private),
                    str(visibility), "modern"], check=True, capture_output=True, cwd=tmp_path,
                   timeout=60)
    with zipfile.ZipFile(tmp_path / "ag.zip") as archive:
        names = set(archive.namelist())
        modes = {name: archive.getinfo(name).external_attr >> 16 for name in names}
    assert {"setup.sh", "run_autograder", "pyproject.toml", "README.md"} <= names
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert "grader/topics.toml" in names and "exercises/pool_map.py" in names
    assert "private_suites/test_pool_map.py" in names and "gradescope.toml" in names
    assert "student_runtime/agent.py" in names, "the student's process needs it"
    with zipfile.ZipFile(tmp_path / "ag.zip") as archive:
        stub = archive.read("exercises/pool_map.py")
        assert archive.read("track") == b"modern\n"
    assert stub == original_stub(get_topic("pool_map")), "the stubs as committed"
    assert not any(name.startswith(("solutions/", "tests/")) or "__pycache__" in name
                   for name in names)
