"""The bridge for suites not yet moved to the student's process: the student's module imported
into the grading process itself, as every suite did before.

A suite that asks for `exercise_in_grader` instead of `exercise` judges code that shares its
process, so its verdicts rest on evidence the student's code could write; the scorecard says so
for its topic (integrity.in_grader_topics). Each suite moved to `exercise` leaves this module
with one user fewer; it goes when the last one moves.
"""

from __future__ import annotations

import faulthandler
import importlib
from pathlib import Path

from grader.reporting.verdicts import (FUNCTION_MISSING, IMPORT_FAILED, MODULE_MISSING,
                                       MissingFunction, describe, where)
from student_runtime.instruments import started


class StudentModule:
    """The student's module, imported here, with a friendly error for a missing function."""

    def __init__(self, module, path: Path) -> None:
        self._module, self._path = module, path

    def pools_at_module_level(self) -> list[str]:
        """The module's globals that hold a process pool (a pitfall the messages point out)."""
        return started.module_level_pools(self._module)

    def __getattr__(self, name: str):
        try:
            return getattr(self._module, name)
        except AttributeError:
            raise MissingFunction(FUNCTION_MISSING.format(path=self._path, name=name)) from None


def import_here(name: str, package: str, path: Path, timeout_s: float, watchdog
                ) -> tuple[str | None, StudentModule | None]:
    """(error message, None) or (None, the module) for the student's module imported here.

    A hung import is ended by faulthandler, with the whole process: the runner reads that.
    """
    started.remember_targets()
    faulthandler.dump_traceback_later(timeout_s, exit=True, file=watchdog)
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name in (name, package):
            return MODULE_MISSING.format(path=path), None
        return IMPORT_FAILED.format(module=name, error=describe(error),
                                    where=where(error.__traceback__, path)), None
    except SyntaxError as error:
        return (f"{path}:{error.lineno}: SyntaxError: {error.msg}. Fix it so that the module "
                "can be imported; `python -m py_compile` shows the spot."), None
    except BaseException as error:  # noqa: BLE001 - student code may raise anything, even SystemExit
        return IMPORT_FAILED.format(module=name, error=describe(error),
                                    where=where(error.__traceback__, path)), None
    finally:
        faulthandler.cancel_dump_traceback_later()
    return None, StudentModule(module, path)
