"""Stand-ins for a Manager's dict, Namespace and Lock whose contents the grader keeps.

A manager's proxy sends every read and write to the manager's process, which holds the real
object. These do the same, except that the process holding the numbers is the grader (through
the served store of student_runtime.instruments.served): `votes[name] += 1` is a read and then
a write, two round trips, and another process's write can fall in between. They pickle like
proxies, so they reach workers through Process args, a Pool's tasks or its initializer alike.

read_costs times a read through one of them beside a plain dict's, in the calling process.
"""

from __future__ import annotations

import time

from student_runtime.instruments.served import _call


class ServedManagerLock:
    """A manager's Lock (and the callbacks tracker's threading.Lock): not re-entrant, so its
    holder must not take it twice."""

    def __init__(self, address: str) -> None:
        self._address = address

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        if timeout is not None and timeout < 0:
            timeout = None
        return bool(_call(self._address, "acquire", block=blocking, timeout=timeout))

    def release(self) -> None:
        _call(self._address, "release")

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc_info) -> None:
        self.release()

    def __reduce__(self):
        return (ServedManagerLock, (self._address,))

    def __repr__(self) -> str:
        return "<Lock>"


class ServedDict:
    """A manager's dict of numbers: `d[key]`, `d[key] = n`, get, copy, keys, values, items."""

    def __init__(self, address: str) -> None:
        self._address = address

    def __getitem__(self, key):
        return _call(self._address, "get", index=key)

    def __setitem__(self, key, value) -> None:
        _call(self._address, "set", index=key, value=value)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def setdefault(self, key, default=0):
        try:
            return self[key]
        except KeyError:
            self[key] = default
            return default

    def update(self, other=(), **more) -> None:
        for key, value in [*dict(other).items(), *more.items()]:
            self[key] = value

    def copy(self) -> dict:
        return {key: value for key, value in _call(self._address, "items")}

    def keys(self):
        return self.copy().keys()

    def values(self):
        return self.copy().values()

    def items(self):
        return self.copy().items()

    def __contains__(self, key) -> bool:
        return key in self.copy()

    def __iter__(self):
        return iter(self.copy())

    def __len__(self) -> int:
        return int(_call(self._address, "len"))

    def __reduce__(self):
        return (ServedDict, (self._address,))

    def __repr__(self) -> str:
        return f"<DictProxy {self.copy()}>"


class ServedNamespace:
    """A manager's Namespace of numbers: `ns.done`, `ns.done = n`."""

    def __init__(self, address: str) -> None:
        object.__setattr__(self, "_address", address)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return _call(self._address, "get", index=name)
        except KeyError:
            raise AttributeError(f"'Namespace' object has no attribute '{name}'") from None

    def __setattr__(self, name: str, value) -> None:
        if name.startswith("_"):
            raise AttributeError("a Namespace's attribute names must not start with '_'")
        _call(self._address, "set", index=name, value=value)

    def __reduce__(self):
        return (ServedNamespace, (self._address,))

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in _call(self._address, "items"))
        return f"Namespace({fields})"


def read_costs(shared, key=None, attribute: str | None = None, calls: int = 100,
               batches: int = 3) -> tuple[float, float]:
    """The fastest time of one read, in microseconds, over a few batches: of `shared[key]` (or
    of `shared.<attribute>`), and of a plain dict's item."""
    local = {"key": 0}

    def through_shared():
        return shared[key] if attribute is None else getattr(shared, attribute)

    def fastest_us(read, count: int) -> float:
        fastest = float("inf")
        for _ in range(batches):
            start = time.perf_counter()
            for _ in range(count):
                read()
            fastest = min(fastest, (time.perf_counter() - start) / count)
        return fastest * 1e6

    return fastest_us(through_shared, calls), fastest_us(lambda: local["key"], calls * 100)
