"""`grade reset TOPIC`: put the original stub back, keeping the student's file as a backup."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from grader.reporting.history import record_reset
from grader.settings import SettingsError, require_topic_modules, resolve_target
from grader.originals import original_stub
from grader.student.stubs import backup_path, keep_backup, write_stub
from grader.student.topic_param import TOPIC
from grader.topics import Topic, all_topics

NOTHING_TO_RESET = "{file} is already the original stub: nothing to reset."
RESTORED_MISSING = "{file} was missing; the original stub is back in its place."
QUESTION = "Replace {file} with the original stub? Your file is kept as {backup}"
NEEDS_YES = ("{file} differs from the original stub, and there is no terminal to ask whether to "
             "replace it. Run `grade reset {id} --yes` to replace it; your file is kept as a "
             "backup beside it.")
DECLINED = "Nothing changed: {file} is as you left it."
RESTORED = "Restored {file} to the original stub. Your file is kept as {backup}."
NOT_RESET = "Could not reset {file} ({reason}); it is unchanged."
NO_STUB = ("The kit holds no original stub for {id}: a class release keeps the stubs in "
           "grader/student/originals/, and the kit's own repository in git. Get a fresh copy of "
           "the kit from your course and try again.")


def stdin_is_interactive() -> bool:
    """True when someone at a terminal can answer a question."""
    return sys.stdin is not None and sys.stdin.isatty()


def as_typed(path: Path) -> str:
    """The path as the student would type it: relative to the current folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def forget_results(folder: Path, topic: Topic) -> None:
    """The topic's earlier results in this folder no longer count: its file is the stub."""
    record_reset(str(folder), topic.id, datetime.now(timezone.utc).isoformat(timespec="seconds"))


@click.command("reset")
@click.argument("topic", type=TOPIC)
@click.option("--target", default="exercises", show_default=True, metavar="PATH",
              help="The folder of topic modules holding the file to reset: exercises, or a path.")
@click.option("-y", "--yes", is_flag=True,
              help="Replace without asking; your file is still kept as a backup.")
def reset(topic: Topic, target: str, yes: bool) -> None:
    """Put TOPIC's original stub back, keeping your file as a backup.

    Restores exercises/TOPIC.py to start the topic again. Your file is first copied beside it
    as TOPIC.py.bak-YYYYmmdd-HHMMSS (an existing backup is never overwritten), so nothing you
    wrote is lost. Asks before replacing unless --yes. The topic's earlier results no longer
    count: `grade list` shows it as not graded yet.
    """
    try:
        package = resolve_target(target)
        require_topic_modules(package, all_topics())
    except SettingsError as error:
        raise click.UsageError(str(error)) from None
    stub = original_stub(topic)
    if stub is None:
        raise click.ClickException(NO_STUB.format(id=topic.id))
    file = topic.module_file(package.package_dir.resolve())
    try:
        if not file.exists():
            write_stub(stub, file)
            forget_results(package.package_dir, topic)
            click.echo(RESTORED_MISSING.format(file=as_typed(file)))
            return
        if file.read_bytes() == stub:
            forget_results(package.package_dir, topic)
            click.echo(NOTHING_TO_RESET.format(file=as_typed(file)))
            return
        now = datetime.now()
        if not yes:
            if not stdin_is_interactive():
                raise click.ClickException(NEEDS_YES.format(file=as_typed(file), id=topic.id))
            question = QUESTION.format(file=as_typed(file), backup=as_typed(backup_path(file, now)))
            if not click.confirm(question, default=False):
                click.echo(DECLINED.format(file=as_typed(file)))
                return
        backup = keep_backup(file, now)
        write_stub(stub, file)
        forget_results(package.package_dir, topic)
    except OSError as error:
        raise click.ClickException(NOT_RESET.format(file=as_typed(file),
                                                    reason=error.strerror or error)) from None
    click.echo(RESTORED.format(file=as_typed(file), backup=as_typed(backup)))
