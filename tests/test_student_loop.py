"""The student's loop holds together: every topic ships its original stub, and every command
of the loop explains itself."""

import pytest
from click.testing import CliRunner

from grader.student.hint_command import hint
from grader.student.list_command import list_topics
from grader.student.reset_command import reset
from grader.student.stubs import STUBS_DIR, stub_path
from grader.topics import all_topics
from tests.conftest import KIT_ROOT

TOPICS = all_topics()


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_the_shipped_stub_is_byte_identical_to_the_exercise(topic):
    exercise = topic.module_file(KIT_ROOT / "exercises")
    assert stub_path(topic).is_file(), (
        f"{topic.id} has no original stub: copy exercises/{topic.id}.py to "
        f"grader/student/stubs/{topic.id}.py so that `grade reset {topic.id}` can restore it")
    assert stub_path(topic).read_bytes() == exercise.read_bytes(), (
        f"grader/student/stubs/{topic.id}.py differs from exercises/{topic.id}.py: copy the "
        "exercise over it whenever the stub changes")


def test_no_stray_stubs():
    assert {path.stem for path in STUBS_DIR.glob("*.py")} == {topic.id for topic in TOPICS}


@pytest.mark.parametrize("command", [list_topics, hint, reset], ids=lambda c: c.name)
def test_every_command_has_help(command):
    result = CliRunner().invoke(command, ["--help"])
    assert result.exit_code == 0 and result.output.startswith(f"Usage: {command.name} ")
    for option in (o for param in command.params for o in param.opts if o.startswith("--")):
        assert option in result.output
