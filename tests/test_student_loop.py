"""The student's loop holds together: every topic has its original stub, and every command
of the loop explains itself."""

import pytest
from click.testing import CliRunner

from grader.student.hint_command import hint
from grader.student.list_command import list_topics
from grader.student.reset_command import reset
from grader.originals import original_stub
from grader.topics import all_topics

TOPICS = all_topics()


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_every_topic_has_its_original_stub(topic):
    # In the kit's own repository the originals are exercises/ as git's HEAD has it.
    stub = original_stub(topic)
    assert stub is not None, f"`grade reset {topic.id}` finds no original stub"
    assert b"# TODO" in stub and b"NotImplementedError" in stub


@pytest.mark.parametrize("command", [list_topics, hint, reset], ids=lambda c: c.name)
def test_every_command_has_help(command):
    result = CliRunner().invoke(command, ["--help"])
    assert result.exit_code == 0 and result.output.startswith(f"Usage: {command.name} ")
    for option in (o for param in command.params for o in param.opts if o.startswith("--")):
        assert option in result.output
