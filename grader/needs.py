"""What a topic needs of the Python that grades it, and what this one lacks, said in words.

A topic of topics.toml may list `needs`, each one of:
- "python>=3.14": that version of Python or a newer one;
- "free-threaded": a free-threaded build running without the GIL;
- "module:joblib": a package the topic's exercise uses, installed beside the kit.

A topic whose needs this Python does not meet is not available here: it is graded where they
are met, and counts in neither the score nor its maximum where they are not.
"""

from __future__ import annotations

import importlib.util
import platform
import re
import sys

PYTHON_AT_LEAST = re.compile(r"python>=(\d+)\.(\d+)")
FREE_THREADED = "free-threaded"
MODULE_PREFIX = "module:"


def is_need(text: str) -> bool:
    """True when text is a need this module understands."""
    return bool(PYTHON_AT_LEAST.fullmatch(text) or text == FREE_THREADED
                or (text.startswith(MODULE_PREFIX) and text[len(MODULE_PREFIX):].isidentifier()))


def _free_threaded_now() -> bool:
    return not getattr(sys, "_is_gil_enabled", lambda: True)()


def unmet(needs: tuple[str, ...], version: tuple[int, int] = sys.version_info[:2],
          free_threaded: bool | None = None) -> list[str]:
    """What of these needs this Python lacks, each in words a student can act on."""
    free_threaded = _free_threaded_now() if free_threaded is None else free_threaded
    lacking = []
    for need in needs:
        at_least = PYTHON_AT_LEAST.fullmatch(need)
        if at_least:
            wanted = (int(at_least.group(1)), int(at_least.group(2)))
            if version < wanted:
                lacking.append(f"Python {wanted[0]}.{wanted[1]} or newer (this is "
                               f"{platform.python_version()})")
        elif need == FREE_THREADED:
            if not free_threaded:
                lacking.append("a free-threaded build of Python running without the GIL (such "
                               "as python3.13t or python3.14t)")
        elif need.startswith(MODULE_PREFIX):
            module = need[len(MODULE_PREFIX):]
            if importlib.util.find_spec(module) is None:
                lacking.append(f"the {module} package (pip install {module})")
    return lacking
