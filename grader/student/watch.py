"""`grade watch [TOPIC]`: grade a topic, then grade again each time a topic's file is saved.

File events come from watchdog: the operating system's own notifications where they work, and
polling where they do not (network file systems, some containers, Windows shares). `--poll`
asks for polling; when the notifications cannot be started at all, polling is used anyway.
Editors save in bursts (a temporary file, a rename, a second write), so a save counts once the
folder has been quiet for a moment. Grading runs in this process, as `grade TOPIC` would, so
Ctrl-C stops it and its processes, then the watcher, and leaves nothing running.
"""

from __future__ import annotations

import queue
import sys
import time
from pathlib import Path

import click
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from grader.grading import grade
from grader.settings import SettingsError, resolve_target
from grader.student.last_run import current_topic
from grader.student.topic_param import TOPIC
from grader.topics import Topic, topic_ids

# A save is complete once no event has come for this long.
QUIET_S = 0.3
POLL_INTERVAL_S = 0.5
WATCHING = "Watching {folder} for saved topic files; press Ctrl-C to stop."


def topic_of(path: str, folder: Path) -> str | None:
    """The topic whose module this path is, when it is directly in the watched folder."""
    file = Path(path)
    if file.parent.resolve() != folder or file.suffix != ".py":
        return None
    return file.stem if file.stem in topic_ids() else None


class SavedTopics(FileSystemEventHandler):
    """Puts the id of every topic file written, created or renamed into place on a queue."""

    def __init__(self, folder: Path, saved: queue.Queue) -> None:
        self.folder, self.saved = folder, saved

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in ("modified", "created", "moved", "closed"):
            return
        path = getattr(event, "dest_path", "") or event.src_path
        topic_id = topic_of(path, self.folder)
        if topic_id:
            self.saved.put(topic_id)


def start_observer(handler: SavedTopics, folder: Path, poll: bool):
    """A started watchdog observer: the platform's notifications, else polling."""
    if not poll:
        try:
            observer = Observer()
            observer.schedule(handler, str(folder), recursive=False)
            observer.start()
            return observer, "file events"
        except OSError as error:
            click.echo(f"File events are not available here ({error}); polling instead.", err=True)
    observer = PollingObserver(timeout=POLL_INTERVAL_S)
    observer.schedule(handler, str(folder), recursive=False)
    observer.start()
    return observer, "polling"


def next_save(saved: queue.Queue) -> list[str]:
    """Wait for a save, then for the burst of events around it to end; the topics saved."""
    topics = [saved.get()]
    deadline = time.monotonic() + QUIET_S
    while time.monotonic() < deadline:
        try:
            topics.append(saved.get(timeout=max(0.01, deadline - time.monotonic())))
            deadline = time.monotonic() + QUIET_S
        except queue.Empty:
            break
    return list(dict.fromkeys(topics))


def _grade_now(ctx: click.Context, topic_id: str, target: str, json_path: Path) -> None:
    # Each run replaces the last on a terminal: the screen shows one run, the latest.
    if sys.stdout.isatty():
        click.clear()
    click.echo(f"\n== grading {topic_id} ==")
    try:
        ctx.invoke(grade, topics=(topic_id,), target=target, json_path=json_path)
    except SystemExit as stop:
        if stop.code == 130:
            raise KeyboardInterrupt from None


@click.command("watch")
@click.argument("topic", required=False, type=TOPIC)
@click.option("--target", default="exercises", show_default=True,
              help="The folder of topic modules to watch and grade.")
@click.option("--json", "json_path", default="scorecard.json", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Where each run's scorecard goes.")
@click.option("--poll", is_flag=True, envvar="GRADER_WATCH_POLL",
              help="Look for saves by polling, where file events do not arrive (network drives, "
                   "some containers and shared folders).")
@click.pass_context
def watch(ctx: click.Context, topic: Topic | None, target: str, json_path: Path, poll: bool) -> None:
    """Grade TOPIC (or the first one not passed yet), then again each time a topic file is saved.

    Saving exercises/<topic>.py grades that topic. Ctrl-C stops watching.
    """
    try:
        folder = resolve_target(target).package_dir
    except SettingsError as error:
        raise click.UsageError(str(error)) from None
    saved: queue.Queue = queue.Queue()
    observer, how = start_observer(SavedTopics(folder, saved), folder, poll)
    try:
        _grade_now(ctx, (topic or current_topic(json_path, folder)).id, target, json_path)
        while True:
            click.echo(WATCHING.format(folder=folder) + f" ({how})")
            for topic_id in next_save(saved):
                _grade_now(ctx, topic_id, target, json_path)
    except KeyboardInterrupt:
        click.echo("\nStopped watching.")
    finally:
        observer.stop()
        observer.join(timeout=5)
