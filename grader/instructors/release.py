"""`grade release DEST`: the student-facing copy of the kit, ready to push as the class template.

It holds the exercises, the grader with its public suites, the README without its
instructor-only parts, and the class's CI workflow; never the reference solutions, the kit's
own tests and benchmarks, or the suite of a topic marked `private_suite = true` in topics.toml.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import click

from grader.originals import original_stub
from grader.reporting.integrity import grader_digest
from grader.settings import KIT_ROOT
from grader.topics import all_topics

# What a release holds, relative to the kit's root; everything else stays with the instructor.
RELEASED = ("README.md", "pyproject.toml", ".gitignore", "exercises", "grader",
            "student_runtime", "docs/sample_scorecard.json")
WORKFLOW_SOURCE = "instructors/github/grade.yml"
WORKFLOW_RELEASED = ".github/workflows/grade.yml"
NOT_COPIED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".pytest_cache")
# README text between these markers is for instructors and kit developers only.
INSTRUCTORS_ONLY = re.compile(r"<!-- instructors-only -->.*?<!-- /instructors-only -->\n?", re.S)


class ReleaseError(click.ClickException):
    """A release that cannot be made; the message says why and what to do."""


def student_readme(text: str) -> str:
    """The README as students get it: the instructor-only parts cut out."""
    return INSTRUCTORS_ONLY.sub("", text)


def private_suites(grader_dir: Path) -> list[Path]:
    """The suite files a release leaves out: those of topics marked private_suite."""
    return [grader_dir / "suites" / f"test_{topic.id}.py"
            for topic in all_topics() if topic.private_suite]


def prepare_destination(dest: Path, source: Path, overwrite: bool) -> None:
    """Make dest ready: refuse a folder that is not empty unless overwrite, which empties it
    but for its .git (the class template's history stays)."""
    dest = dest.resolve()
    inside_released = any(dest == source / name or source / name in dest.parents for name in RELEASED)
    if dest == source or inside_released:
        raise ReleaseError(f"{dest} is inside the kit's own files; release into a folder of its own.")
    if dest.exists() and not dest.is_dir():
        raise ReleaseError(f"{dest} is a file; give a folder for the release.")
    leftovers = [path for path in dest.iterdir() if path.name != ".git"] if dest.exists() else []
    if leftovers and not overwrite:
        raise ReleaseError(f"{dest} is not empty ({len(leftovers)} item(s), such as "
                           f"{leftovers[0].name}); give an empty folder, or --overwrite to replace "
                           "its contents (its .git is kept).")
    for path in leftovers:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    dest.mkdir(parents=True, exist_ok=True)


def without_private_hints(topics_toml: str) -> str:
    """topics.toml as a release holds it: a topic whose suite is private keeps no hints, which
    name its checks and tell what they look for."""
    blocks = re.split(r"(?m)^(?=\[\[topic\]\]\s*$)", topics_toml)
    kept = []
    for block in blocks:
        if re.search(r"(?m)^private_suite\s*=\s*true\s*$", block):
            block = re.sub(r"(?ms)^hints[ \t]*=[ \t]*\[.*?^\][ \t]*$", "hints = []", block)
        kept.append(block)
    return "".join(kept)


def write_stubs(exercises: Path, originals: Path) -> list[str]:
    """Each topic's stub as the kit holds it (git's HEAD of exercises/, not what someone may
    have written there since), into the release's exercises/ and, for `grade reset` in the
    students' copies, its originals; returns the topics whose working file differed."""
    originals.mkdir(parents=True, exist_ok=True)
    differed = []
    for topic in all_topics():
        stub = original_stub(topic)
        if stub is None:  # no git: the files as they are
            stub = topic.module_file(exercises).read_bytes()
        elif topic.module_file(exercises).read_bytes() != stub:
            differed.append(topic.id)
        topic.module_file(exercises).write_bytes(stub)
        (originals / f"{topic.id}.py").write_bytes(stub)
    return differed


def write_release(source: Path, dest: Path) -> tuple[list[str], list[str]]:
    """Copy the student-facing files from the kit at source into dest; returns the private
    suites left out, and the topics whose working stub differed from the one released."""
    for name in RELEASED:
        origin, target = source / name, dest / name
        if origin.is_dir():
            shutil.copytree(origin, target, ignore=NOT_COPIED)
        elif origin.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target)
    readme = dest / "README.md"
    if readme.is_file():
        readme.write_text(student_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")
    workflow = source / WORKFLOW_SOURCE
    if workflow.is_file():
        (dest / WORKFLOW_RELEASED).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(workflow, dest / WORKFLOW_RELEASED)
    differed = write_stubs(dest / "exercises", dest / "grader" / "student" / "originals")
    topics_toml = dest / "grader" / "topics.toml"
    topics_toml.write_text(without_private_hints(topics_toml.read_text(encoding="utf-8")),
                           encoding="utf-8")
    left_out = []
    for suite in private_suites(dest / "grader"):
        if suite.is_file():
            suite.unlink()
            left_out.append(suite.name)
    return left_out, differed


@click.command("release")
@click.argument("dest", type=click.Path(file_okay=True, path_type=Path))
@click.option("--overwrite", is_flag=True,
              help="Replace what DEST holds (its .git is kept) instead of refusing.")
def release(dest: Path, overwrite: bool) -> None:
    """Write the class release of the kit into DEST: exercises, grader, public suites, README
    and CI workflow, without solutions/, the kit's tests or any private suite."""
    source = KIT_ROOT.resolve()
    if not (source / "exercises").is_dir() or not (source / "grader").is_dir():
        raise ReleaseError(f"{source} is not an instructor's copy of the kit (no exercises/ or "
                           "grader/); run this from a clone of the kit installed with pip -e.")
    prepare_destination(dest, source, overwrite)
    left_out, differed = write_release(source, dest.resolve())
    private = f" Left out the private suites {', '.join(left_out)}." if left_out else ""
    if differed:
        click.echo(f"exercises/ of this copy differs from the stubs committed in git for "
                   f"{', '.join(differed)}: the release holds the committed stubs. Commit a stub "
                   "to release it.")
    click.echo(f"Wrote the class release to {dest.resolve()}: exercises, grader and its public "
               f"suites, README and {WORKFLOW_RELEASED}; no solutions.{private} "
               f"Grader digest {grader_digest(dest.resolve() / 'grader')[:12]}.")
