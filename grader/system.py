"""Everything that differs between operating systems, in one place.

Counting usable CPUs, starting a process in its own killable group, killing whole process trees,
and listing or removing shared-memory segments. Porting the kit to a new platform means editing
this module only.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

SHM_DIR = Path("/dev/shm")
# Creating a segment and mapping it are two steps, as are closing and unlinking it: another
# program's segment can be caught unmapped for an instant, never for this long.
SEGMENT_SETTLE_S = 0.05
CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class CpuCount:
    """How many CPUs this process may really use, and what limited it."""

    count: int
    source: str


def _own_cgroups(proc_cgroup: Path = Path("/proc/self/cgroup")) -> tuple[str, str]:
    """This process's cgroup paths: the unified one (v2) and the cpu controller's (v1)."""
    unified = cpu = "/"
    try:
        lines = proc_cgroup.read_text().splitlines()
    except OSError:
        return unified, cpu
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":
            unified = path or "/"
        elif "cpu" in controllers.split(","):
            cpu = path or "/"
    return unified, cpu


def _quota_at(folder: Path, version: int) -> float | None:
    if version == 2:
        limit = folder / "cpu.max"
        if limit.is_file():
            quota, _, period = limit.read_text().strip().partition(" ")
            if quota != "max" and period:
                return int(quota) / int(period)
        return None
    quota_file, period_file = folder / "cpu.cfs_quota_us", folder / "cpu.cfs_period_us"
    if quota_file.is_file() and period_file.is_file():
        quota = int(quota_file.read_text().strip())
        if quota > 0:
            return quota / int(period_file.read_text().strip())
    return None


def _cgroup_quota(root: Path, own: tuple[str, str] = ("/", "/")) -> float | None:
    """The smallest CPU quota, in CPUs, of this process's cgroup and those above it (a
    container's, or one a host's service manager set); None when there is none."""
    unified, cpu = own
    v2 = root / "cpu.max"
    if v2.is_file() or (root / "cgroup.controllers").is_file():
        base, path, version = root, unified, 2
    else:
        base, path, version = root / "cpu", cpu, 1
    quotas = []
    folder = base / path.strip("/")
    while True:
        quota = _quota_at(folder, version)
        if quota is not None:
            quotas.append(quota)
        if folder == base or base not in folder.parents:
            break
        folder = folder.parent
    return min(quotas, default=None)


def usable_cpus(cgroup_root: Path = CGROUP_ROOT) -> CpuCount:
    """The smallest of the CPUs this process may run on and its container's CPU quota.

    A quota of half a CPU counts as 1; the source says which limit applied.
    """
    if hasattr(os, "sched_getaffinity"):
        count, source = len(os.sched_getaffinity(0)), "CPU affinity"
    else:
        count, source = os.cpu_count() or 1, "os.cpu_count()"
    try:
        quota = _cgroup_quota(cgroup_root, _own_cgroups() if cgroup_root == CGROUP_ROOT
                              else ("/", "/"))
    except (OSError, ValueError):
        quota = None
    if quota is not None and quota < count:
        count, source = max(1, int(quota)), f"container CPU quota ({quota:g} CPUs)"
    return CpuCount(count=count, source=source)


def popen_group_options() -> dict:
    """Popen options that put a child in its own group, so the whole group can be killed."""
    if os.name == "nt":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def describe_process(proc: psutil.Process) -> str:
    """A short description of a process for messages: its pid and how it was started.

    Never the command line: a forked child carries the grader's own, which names the hidden suite.
    """
    try:
        cmdline = " ".join(proc.cmdline())
    except psutil.Error:
        cmdline = ""
    if "multiprocessing.forkserver" in cmdline:
        how = "started through the forkserver"
    elif "multiprocessing.spawn" in cmdline:
        how = "a spawned Python process"
    elif "pytest" in cmdline:
        how = "a forked copy of the grading process"
    else:
        how = "a process your code started"
    return f"pid {proc.pid}, {how}"


def multiprocessing_helpers() -> set[int]:
    """Pids of this process's resource tracker and forkserver, which are meant to outlive tests."""
    import multiprocessing.resource_tracker as resource_tracker

    try:
        import multiprocessing.forkserver as forkserver_module
    except ImportError:  # platforms without forkserver
        forkserver_module = None
    helpers = set()
    tracker = getattr(resource_tracker, "_resource_tracker", None)
    forkserver = getattr(forkserver_module, "_forkserver", None)
    for pid in (getattr(tracker, "_pid", None), getattr(forkserver, "_forkserver_pid", None)):
        if pid:
            helpers.add(pid)
    return helpers


def kill_processes(procs: list[psutil.Process], grace_s: float = 0.0) -> list[int]:
    """Kill these processes after an optional grace period; return the pids that were killed."""
    if grace_s:
        procs = wait_until_stopped(procs, grace_s)
    killed = []
    for proc in procs:
        try:
            proc.kill()
            killed.append(proc.pid)
        except psutil.NoSuchProcess:
            pass
    wait_until_stopped(procs, 2.0)
    return killed


def _is_resource_tracker(proc: psutil.Process) -> bool:
    try:
        return "multiprocessing.resource_tracker" in " ".join(proc.cmdline())
    except psutil.Error:
        return False


def _group_members(leader: subprocess.Popen) -> list[psutil.Process]:
    members: dict[int, psutil.Process] = {}
    try:
        members.update({p.pid: p for p in psutil.Process(leader.pid).children(recursive=True)})
    except psutil.NoSuchProcess:
        pass
    if os.name != "nt":
        # Orphans whose parent died are re-parented and drop out of the tree, but keep the group.
        for proc in psutil.process_iter():
            try:
                if proc.pid != leader.pid and os.getpgid(proc.pid) == leader.pid:
                    members.setdefault(proc.pid, proc)
            except (OSError, psutil.Error):
                pass
    return list(members.values())


def kill_group(leader: subprocess.Popen, grace_s: float = 1.0) -> list[str]:
    """Kill a process that leads its own group (started with popen_group_options, or anything
    with Popen's pid, poll, kill and wait) and everything it started.

    Returns descriptions of the processes, other than the leader and multiprocessing's own
    helpers, that were still running: a process that outlives its suite is a leak to report.
    """
    members = [p for p in _group_members(leader) if _is_running(p)]
    if leader.poll() is None:
        leader.kill()
    leader.wait()
    if members:
        # The suite's forkserver and resource tracker exit on their own once its pipes close,
        # so whatever still runs after a moment is a leak, even a process the forkserver forked
        # (it carries the forkserver's command line). A resource tracker may be kept alive by a
        # leaked process holding its pipe, so it is not counted.
        members = wait_until_stopped(members, grace_s)
    leaks = [p for p in members if not _is_resource_tracker(p)]
    descriptions = [describe_process(p) for p in leaks]
    if os.name != "nt":
        try:
            os.killpg(leader.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    kill_processes(members)
    return descriptions


def wait_until_stopped(procs: list[psutil.Process], timeout_s: float) -> list[psutil.Process]:
    """Those of procs still running after up to timeout_s.

    A process that has exited but is not yet reaped counts as stopped: it is not our child, so
    psutil.wait_procs would wait for its parent to reap it, the full timeout where nobody does.
    """
    deadline = time.monotonic() + timeout_s
    running = procs
    while running and time.monotonic() < deadline:
        time.sleep(0.02)
        running = [p for p in running if _is_running(p)]
    return running


# Whether each process lists its own children (Linux): reading a tree is then cheap.
CHILDREN_LISTED = Path("/proc/self/task").is_dir() and any(
    (task / "children").exists() for task in Path("/proc/self/task").iterdir())


def descendant_pids(root_pid: int) -> list[int] | None:
    """Every descendant of root_pid, from the children each process lists (Linux), or None
    where processes do not list them."""
    if not CHILDREN_LISTED:
        return None
    found, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as listing:
                    children = [int(child) for child in listing.read().split()]
            except (OSError, ValueError):
                continue
            found += children
            stack += children
    return found


def loopback_bytes_sent() -> int | None:
    """Bytes sent so far through this machine's loopback interface, by every process, as the
    kernel counts them; None where it keeps no such count (Windows reports 0 for loopback)."""
    if os.name == "nt":
        return None
    counters = psutil.net_io_counters(pernic=True)
    for name, addresses in psutil.net_if_addrs().items():
        if name in counters and any(a.address == "127.0.0.1" for a in addresses):
            return counters[name].bytes_sent
    return None


def is_running(pid: int) -> bool:
    """Whether the process with this pid is still running (a zombie has finished)."""
    try:
        return _is_running(psutil.Process(pid))
    except psutil.Error:
        return False


def _is_running(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def shared_memory_segments(semaphores: bool = False) -> set[str] | None:
    """Names of the POSIX shared-memory segments on this machine; None where they cannot be listed.

    Windows frees a segment when its last handle closes, and macOS offers no listing, so only
    Linux can be checked for leaked segments. Named semaphores (sem.*) live there too, and are
    listed when asked: multiprocessing unlinks its own at once, so one that appears during a
    topic and lingers was left by a process killed at the wrong moment, or on purpose.
    """
    if not sys.platform.startswith("linux") or not SHM_DIR.is_dir():
        return None
    return {entry.name for entry in SHM_DIR.iterdir()
            if semaphores or not entry.name.startswith("sem.")}


def mapped_elsewhere(names: set[str], ours: set[int] = frozenset()) -> set[str]:
    """The segments among `names` that a running process not in `ours` has mapped in memory.

    A segment that appeared during a check is a leak only if it is not in use by another
    program, such as a second grading run on the same machine. Mappings are matched by inode,
    not by name: glibc's sem_open maps a semaphore's file under a temporary name before it
    links it to its own, so its mapping shows the temporary one (deleted). Linux only, like the
    listing.
    """
    if not names or not sys.platform.startswith("linux"):
        return set()
    by_inode = {}
    for name in names:
        try:
            by_inode[(SHM_DIR / name).stat().st_ino] = name
        except OSError:
            pass
    found = set()
    prefix = f"{SHM_DIR}/"
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in ours:
            continue
        try:
            maps = (entry / "maps").read_text(errors="replace")
        except OSError:
            continue
        for line in maps.splitlines():
            if prefix in line:
                fields = line.split(maxsplit=5)
                if len(fields) > 4 and fields[4].isdigit() and int(fields[4]) in by_inode:
                    found.add(by_inode[int(fields[4])])
    return found


def unclaimed_segments(names: set[str], ours: set[int] = frozenset()) -> set[str]:
    """The segments among `names` that no running process outside `ours` maps, on two looks
    SEGMENT_SETTLE_S apart: the ones left behind, which the processes in `ours` may still hold."""
    unclaimed = names - mapped_elsewhere(names, ours)
    if not unclaimed:
        return unclaimed
    time.sleep(SEGMENT_SETTLE_S)
    unclaimed = {name for name in unclaimed if (SHM_DIR / name).exists()}
    return unclaimed - mapped_elsewhere(unclaimed, ours)


def remove_segments(names: set[str]) -> list[str]:
    """Unlink these shared-memory segments; return the names that were removed."""
    removed = []
    for name in sorted(names):
        try:
            (SHM_DIR / name).unlink()
            removed.append(name)
        except OSError:
            pass
    return removed


# multiprocessing makes its AF_UNIX sockets (a forkserver's, a Manager's) in the temp folder, at
# pymp-XXXXXXXX/listener-XXXXXXXX under it, and the kernel takes socket paths of at most 104
# bytes (macOS) or 108 (Linux).
SOCKET_PATH_MAX = 104
SOCKET_PATH_UNDER_TEMP = len("/pymp-xxxxxxxx/listener-xxxxxxxx")
SHORT_PATH_BASE = Path("/tmp")


def temp_folder_for_sockets(folder: Path) -> Path:
    """A path to folder short enough for multiprocessing's sockets inside it: folder itself, or
    where its path is too long (a macOS temp folder, a test's), a link to it in /tmp.

    remove_short_link(path) removes the link once the folder is no longer used.
    """
    if os.name == "nt" or len(os.fsencode(folder)) + SOCKET_PATH_UNDER_TEMP < SOCKET_PATH_MAX:
        return folder
    holder = Path(tempfile.mkdtemp(prefix="grade-", dir=SHORT_PATH_BASE))
    holder.chmod(0o755)  # a student user must pass through it to the folder
    link = holder / "t"
    os.symlink(folder, link, target_is_directory=True)
    return link


def remove_short_link(path: Path) -> None:
    """Undo temp_folder_for_sockets: remove the link it made (nothing when it made none)."""
    if path.is_symlink() and path.parent.parent == SHORT_PATH_BASE:
        path.unlink(missing_ok=True)
        try:
            path.parent.rmdir()
        except OSError:
            pass


def link_directory(source: Path, link: Path) -> None:
    """Make the folder `link` show the files of `source`: a symlink where the platform allows it.

    Windows grants symlinks only to administrators and developer mode; there a directory junction
    does the same job, and where even that fails (a network share, say) a copy of the folder.
    """
    try:
        os.symlink(source, link, target_is_directory=True)
        return
    except OSError:
        if os.name != "nt":
            raise
    try:
        import _winapi

        _winapi.CreateJunction(str(source), str(link))
    except (ImportError, AttributeError, OSError):
        import shutil

        shutil.copytree(source, link, ignore=shutil.ignore_patterns("__pycache__"))


def interrupt_main_thread() -> None:
    """Raise KeyboardInterrupt in the main thread, as Ctrl-C would, even while it waits.

    Ctrl-C in a terminal sends SIGINT to every process of the foreground group; this interrupts
    only this process's main thread. A signal aimed at that thread breaks it out of a blocking
    wait (a lock, a Pool's get()); where threads cannot be signalled (Windows),
    _thread.interrupt_main() raises KeyboardInterrupt only when the main thread next runs
    Python code, so a wait that never returns is not broken there.
    """
    import threading

    if hasattr(signal, "pthread_kill"):
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
    else:
        import _thread

        _thread.interrupt_main()


PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Adopt this process's orphaned descendants, so a double fork cannot leave its tree (Linux).

    A process that forks twice and lets the middle one exit is normally adopted by init and
    escapes every search of our children; with this set it is adopted by us instead.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


@contextmanager
def stopped_by_hangup_or_term():
    """While inside, SIGTERM and SIGHUP (where they exist) stop this process as Ctrl-C does: a
    KeyboardInterrupt in the main thread, so that what it started is killed and what it owes
    is written. After the first, both are ignored until the block ends, so that the clean-up
    runs to its end.

    A hang-up means the terminal is gone: standard output and error then lead nowhere, so that
    writing to them cannot fail.
    """
    signals = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]

    def stop(signum, frame) -> None:
        for number in signals:
            signal.signal(number, signal.SIG_IGN)
        if signum == getattr(signal, "SIGHUP", None):
            nowhere = os.open(os.devnull, os.O_WRONLY)
            for fd in (1, 2):
                os.dup2(nowhere, fd)
            os.close(nowhere)
        raise KeyboardInterrupt

    try:
        previous = {number: signal.signal(number, stop) for number in signals}
    except ValueError:  # not the main thread: whoever runs that one handles the signals
        previous = {}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@dataclass(frozen=True)
class StudentUser:
    """An unprivileged user that the student's code runs as, when the grader runs as root."""

    name: str
    uid: int
    gid: int

    def give(self, path: Path) -> None:
        """Make path, and everything in it, the student user's own."""
        os.chown(path, self.uid, self.gid)
        for root, dirs, files in os.walk(path):
            for name in dirs + files:
                try:
                    os.chown(os.path.join(root, name), self.uid, self.gid, follow_symlinks=False)
                except OSError:
                    pass


def run_as_options(user: StudentUser | None) -> dict:
    """Popen options that run a child as `user` with no extra groups (none when user is None)."""
    if user is None:
        return {}
    return {"user": user.uid, "group": user.gid, "extra_groups": [], "umask": 0o077}


def processes_of_user(uid: int) -> list[psutil.Process]:
    """Every running process whose real or effective user is uid."""
    found = []
    for proc in psutil.process_iter(["uids"]):
        try:
            uids = proc.info["uids"]
            if uids and uid in (uids.real, uids.effective):
                found.append(proc)
        except psutil.Error:
            pass
    return found


def kill_student_processes(agent_pid: int, user: StudentUser | None,
                           keep: set[int] = frozenset()) -> list[psutil.Process]:
    """Kill the student's agent and everything it started, adopted orphans and, under a student
    user, every process of that user; return the ones (other than the agent) that were running.
    """
    found: dict[int, psutil.Process] = {}
    try:
        agent = psutil.Process(agent_pid)
        found[agent_pid] = agent
        found.update({p.pid: p for p in agent.children(recursive=True)})
    except psutil.NoSuchProcess:
        pass
    found.update({p.pid: p for p in adopted_orphans(exclude=keep | set(found))})
    if user is not None:
        found.update({p.pid: p for p in processes_of_user(user.uid)})
    for pid in keep:
        found.pop(pid, None)
    running = [p for pid, p in found.items() if pid != agent_pid and _is_running(p)]
    for proc in found.values():
        try:
            proc.kill()
        except psutil.Error:
            pass
    wait_until_stopped(list(found.values()), KILL_WAIT_S)
    return running


def student_user_named(name: str) -> StudentUser | None:
    """The student user of this name, or None for an empty name or a user that does not exist."""
    if not name or os.name == "nt":
        return None
    import pwd

    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return None
    return StudentUser(name, entry.pw_uid, entry.pw_gid)


# The helpers a process starts once and keeps for its whole life: multiprocessing's, and the
# resource tracker of loky (joblib's process pool), by the modules their command lines run.
HELPER_MODULES = ("multiprocessing.forkserver", "multiprocessing.resource_tracker",
                  "loky.backend.resource_tracker")


def is_helper_of(proc: psutil.Process, parent_pid: int) -> bool:
    """Whether proc is a helper (HELPER_MODULES) that parent_pid started."""
    try:
        cmdline = " ".join(proc.cmdline())
        return proc.ppid() == parent_pid and any(module in cmdline for module in HELPER_MODULES)
    except psutil.Error:
        return False


def workers_of(procs: list[psutil.Process], parent_pid: int, code: str = "") -> list[psutil.Process]:
    """Those of procs that are children of parent_pid whose command line runs `code` (any code
    when it is empty)."""
    found = []
    for proc in procs:
        try:
            if proc.ppid() == parent_pid and code in " ".join(proc.cmdline()):
                found.append(proc)
        except psutil.Error:
            pass
    return found


def student_leftovers(agent_pid: int, user: StudentUser | None) -> list[psutil.Process]:
    """The student's processes still running between calls: everything the agent started but its
    forkserver and resource tracker, orphans adopted by us, and any other process of the user.
    """
    found: dict[int, psutil.Process] = {}
    try:
        found.update({p.pid: p for p in psutil.Process(agent_pid).children(recursive=True)})
    except psutil.NoSuchProcess:
        pass
    found.update({p.pid: p for p in adopted_orphans(exclude={agent_pid})})
    if user is not None:
        found.update({p.pid: p for p in processes_of_user(user.uid) if p.pid != agent_pid})
    return [p for p in found.values() if _is_running(p) and not is_helper_of(p, agent_pid)]


KILL_WAIT_S = 2.0


def child_pids() -> set[int]:
    """The pids of this process's children now."""
    return {child.pid for child in psutil.Process().children(recursive=False)}


def kill_escaped(children_before: set[int], user: StudentUser | None) -> list[str]:
    """Kill children adopted since children_before, their trees, and every process of user.

    Returns descriptions of what was killed: processes that outlived their topic.
    """
    found: dict[int, psutil.Process] = {}
    for child in psutil.Process().children(recursive=False):
        if child.pid in children_before or not _is_running(child):
            continue
        found[child.pid] = child
        try:
            found.update({p.pid: p for p in child.children(recursive=True)})
        except psutil.Error:
            pass
    if user is not None:
        found.update({p.pid: p for p in processes_of_user(user.uid)})
    running = [p for p in found.values() if _is_running(p)]
    descriptions = [describe_process(p) for p in running]
    kill_processes(running)
    return descriptions


def adopted_orphans(exclude: set[int] = frozenset()) -> list[psutil.Process]:
    """Running children of this process that it did not start: orphans it adopted as subreaper.

    Anything this process started itself (its own multiprocessing helpers, the student's agent)
    is in exclude or is a multiprocessing helper of ours.
    """
    ours = multiprocessing_helpers() | set(exclude) | {os.getpid()}
    found = []
    for child in psutil.Process().children(recursive=False):
        if child.pid not in ours and _is_running(child):
            found.append(child)
            try:
                found.extend(child.children(recursive=True))
            except psutil.Error:
                pass
    return found
