"""The `grade` command line: declares the commands and dispatches to them.

`grade [TOPIC]...` grades (grader.grading); `grade COMMAND ...` runs one of the other
commands. Anything that is not a command name goes to grading, so `grade`, `grade pool_map`
and `grade --target solutions` work as they always have. No command may be named like a topic.
"""

from __future__ import annotations

import click

from grader.grading import grade
from grader.instructors.class_command import grade_class
from grader.instructors.collect import collect
from grader.instructors.release import release
from grader.instructors.verify import verify
from grader.student.hint_command import hint
from grader.student.list_command import list_topics
from grader.student.reset_command import reset
from grader.student.watch import watch

HELP_OPTIONS = ["-h", "--help"]


class AsTheGroup(click.Context):
    """The context of grading, the group's default command: its usage and its errors speak of
    `grade`, as the student typed it, not `grade grade`."""

    @property
    def command_path(self) -> str:
        return self.parent.command_path if self.parent is not None else super().command_path


class GradeGroup(click.Group):
    """A group whose default command is grading: `grade ARGS` means `grade <grade> ARGS`
    unless ARGS starts with a command's name."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in self.commands or args[0] == grade.name:
            args = [grade.name, *args]
        return super().parse_args(ctx, args)


@click.group(cls=GradeGroup, context_settings={"help_option_names": HELP_OPTIONS},
             add_help_option=False)
def main() -> None:
    """Grade the multiprocessing exercises; `grade --help` lists the options and commands."""


# The student's loop first, then the instructors' commands: the order `grade --help` lists them.
grade.context_class = AsTheGroup
main.add_command(grade)
main.add_command(list_topics)
main.add_command(hint)
main.add_command(reset)
main.add_command(watch)
main.add_command(release)
main.add_command(verify)
main.add_command(collect)
main.add_command(grade_class)
