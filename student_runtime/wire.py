"""The plain data that crosses between the student's process and the grader, and its framing.

The grader never unpickles what a student's process sends: a crafted pickle runs code on
loading. Answers travel as JSON instead, with a few tagged forms for what JSON lacks (tuples,
sets, bytes, dicts with keys that are not strings, NumPy arrays of numbers). Anything else is
not plain data; the agent keeps it and sends a handle that names its type.

Requests from the grader to the student's process are pickles: the grader is trusted, and a
pickle can carry the kit's own functions and objects by reference.

Each message is framed as an 8-byte big-endian length, then that many bytes.
"""

from __future__ import annotations

import base64
import json
import math
import os
import struct

# Larger than any answer a check asks for (a 1e6-element float64 array is 11 MB encoded).
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# Deeper than any answer a check asks for, shallow enough for the decoder's recursion.
MAX_DEPTH = 64
_HEADER = struct.Struct(">Q")
# What a frame adds to its payload on the wire.
FRAME_OVERHEAD = _HEADER.size
_NUMERIC_KINDS = "biufc"


class NotPlainData(TypeError):
    """An object that cannot travel as plain data (the agent then sends a handle instead)."""


class BadMessage(ValueError):
    """A message that is not well-formed plain data, or is larger than allowed."""


def _encode(value, depth: int):
    if depth > MAX_DEPTH:
        raise NotPlainData("nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$f": repr(value)}
    kind = type(value)
    if kind is list:
        return [_encode(v, depth + 1) for v in value]
    if isinstance(value, tuple) and kind.__name__ != "struct_time":
        return {"$t": [_encode(v, depth + 1) for v in value]}
    if isinstance(value, dict):
        return {"$d": [[_encode(k, depth + 1), _encode(v, depth + 1)] for k, v in value.items()]}
    if isinstance(value, (set, frozenset)):
        return {"$s" if isinstance(value, set) else "$fs": [_encode(v, depth + 1) for v in value]}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, list):
        return [_encode(v, depth + 1) for v in value]
    numpy = _numpy_if_loaded(value)
    if numpy is not None:
        if isinstance(value, numpy.ndarray) and value.dtype.kind in _NUMERIC_KINDS:
            data = numpy.ascontiguousarray(value)
            return {"$nd": [data.dtype.str, list(data.shape),
                            base64.b64encode(data.tobytes()).decode("ascii")]}
        if isinstance(value, numpy.generic) and value.dtype.kind in _NUMERIC_KINDS:
            return _encode(value.item(), depth)
    raise NotPlainData(f"{kind.__module__}.{kind.__qualname__}")


def _numpy_if_loaded(value):
    if type(value).__module__.split(".")[0] != "numpy":
        return None
    import numpy

    return numpy


def _decode(value, depth: int):
    if depth > MAX_DEPTH:
        raise BadMessage("nested too deeply")
    if isinstance(value, list):
        return [_decode(v, depth + 1) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) != 1:
        raise BadMessage("an untagged object")
    (tag, body), = value.items()
    if tag == "$t":
        return tuple(_decode(v, depth + 1) for v in body)
    if tag == "$d":
        return {_decode(k, depth + 1): _decode(v, depth + 1) for k, v in body}
    if tag == "$s":
        return {_decode(v, depth + 1) for v in body}
    if tag == "$fs":
        return frozenset(_decode(v, depth + 1) for v in body)
    if tag == "$b":
        return base64.b64decode(body)
    if tag == "$f":
        return float(body) if body in ("nan", "inf", "-inf") else _bad(body)
    if tag == "$nd":
        return _decode_array(*body)
    # Tagged envelopes (handles, errors) are read by the caller, with their fields decoded.
    if tag.startswith("$"):
        return {tag: _decode(body, depth + 1)}
    raise BadMessage(f"unknown tag {tag!r}")


def _bad(body):
    raise BadMessage(f"not a float: {body!r}")


def _decode_array(dtype: str, shape: list, data: str):
    import numpy

    kind = numpy.dtype(dtype)
    if kind.kind not in _NUMERIC_KINDS or kind.hasobject:
        raise BadMessage(f"not a numeric dtype: {dtype}")
    return numpy.frombuffer(base64.b64decode(data), dtype=kind).reshape(shape).copy()


def encode(value) -> bytes:
    """Plain data as message bytes; raises NotPlainData for anything else."""
    return json.dumps(_encode(value, 0), separators=(",", ":")).encode("utf-8")


def envelope(tag: str, fields) -> bytes:
    """A tagged message such as {"$ok": value}; the fields must be plain data."""
    return json.dumps({tag: _encode(fields, 0)}, separators=(",", ":")).encode("utf-8")


def decode(data: bytes):
    """Message bytes back to plain data; raises BadMessage for anything malformed."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise BadMessage("message too large")
    try:
        return _decode(json.loads(data.decode("utf-8")), 0)
    except (ValueError, TypeError, KeyError, RecursionError, AttributeError) as error:
        if isinstance(error, BadMessage):
            raise
        raise BadMessage(str(error)[:200]) from None


def write_frame(fd: int, payload: bytes) -> None:
    """Write one framed message to a file descriptor, whole."""
    data = memoryview(_HEADER.pack(len(payload)) + payload)
    while data:
        data = data[os.write(fd, data):]


def read_frame(fd: int) -> bytes | None:
    """Read one framed message; None at end of file. Raises BadMessage for an oversized frame."""
    header = _read_exactly(fd, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    if size > MAX_MESSAGE_BYTES:
        raise BadMessage("message too large")
    return _read_exactly(fd, size)


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
