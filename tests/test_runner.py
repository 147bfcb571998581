"""The suite process sees the grader and its student-side code, and nothing else: not even the
student's package, which only the student's own process imports."""

import os
import shutil
import subprocess
import sys

import pytest

from grader import system
from grader.running.runner import make_import_root, student_facing_output, suite_environment
from grader.settings import Settings, resolve_target
from grader.topics import get_topic
from tests.conftest import HOSTILE

TOPIC = get_topic("pool_map")


@pytest.fixture
def shadowed_target(tmp_path):
    """A copy of a target that raises at import, beside folders named like standard modules."""
    for name in ("json", "random"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(f"raise ImportError('the shadowing {name}')\n")
    shutil.copytree(HOSTILE / "import_raises", tmp_path / "mine")
    return tmp_path / "mine"


def settings_for(target):
    return Settings(topics=(TOPIC,), target=resolve_target(str(target)),
                    json_path=target / "x.json", start_method="spawn",
                    cpus=system.CpuCount(2, "CPU affinity"))


def test_import_root_holds_only_the_kit(tmp_path_factory):
    root = make_import_root(tmp_path_factory.mktemp("work"))
    assert sorted(p.name for p in root.iterdir()) == ["grader", "student_runtime"]


def test_folders_beside_the_target_do_not_shadow_the_standard_library(shadowed_target,
                                                                        tmp_path_factory):
    workdir = tmp_path_factory.mktemp("work")
    settings = settings_for(shadowed_target)
    make_import_root(workdir)
    probe = ("import json, random, grader.running.suite_plugin, importlib.util; "
             "assert importlib.util.find_spec('mine') is None")
    result = subprocess.run([sys.executable, "-c", probe], cwd=workdir, capture_output=True,
                            text=True, env=suite_environment(TOPIC, settings, workdir))
    assert result.returncode == 0, result.stderr
    assert "shadowing" not in result.stderr


def test_output_names_the_students_own_files(shadowed_target, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("work")
    target = resolve_target(str(shadowed_target))
    root = make_import_root(workdir)
    line = f'  File "{root / "mine" / "pool_map.py"}", line 3, in <module>'
    assert student_facing_output([line], TOPIC.suite_path, target, root) == [
        f'  File "{shadowed_target.resolve() / "pool_map.py"}", line 3, in <module>']


@pytest.mark.slow
def test_a_shadowing_sibling_leaves_the_verdict_and_its_line_number_alone(grade, shadowed_target):
    graded = grade("pool_map", "--target", str(shadowed_target), "--check-timeout", "3")
    topic = graded.topic("pool_map")
    assert topic["status"] == "error"
    assert "raised RuntimeError: config file missing" in topic["message"]
    assert "mine/pool_map.py:3" in topic["message"]


def test_fewer_usable_cpus_than_reported_reach_the_suite_as_python_cpu_count(tmp_path):
    def environment_with(count):
        settings = Settings(topics=(), target=resolve_target("solutions"), json_path=tmp_path / "c",
                            start_method="spawn", cpus=system.CpuCount(count, "--cpus"))
        return settings, suite_environment(get_topic("pool_map"), settings, tmp_path)

    settings, env = environment_with(1)
    assert env["PYTHON_CPU_COUNT"] == "1" and settings.python_cpu_count == 1
    settings, env = environment_with(os.cpu_count())
    assert settings.python_cpu_count is None
    assert env.get("PYTHON_CPU_COUNT") == os.environ.get("PYTHON_CPU_COUNT")
