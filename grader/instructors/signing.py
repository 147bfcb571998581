"""HMAC-SHA256 signatures on scorecards, with a key an instructor keeps in the environment.

A signature proves that whoever made the scorecard held the key and that nothing in it changed
since. It proves nothing more: a student who holds the key (in their own CI, say) can sign
anything. Keep the key where only the instructor's grading runs can read it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re

KEY_ENV = "GRADER_SIGNING_KEY"
# compare_digest refuses non-ASCII text, so a forged value is checked for its form first.
HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
ALGORITHM = "HMAC-SHA256"


def signing_key(environ=os.environ) -> bytes | None:
    """The key from GRADER_SIGNING_KEY, or None when it is unset or empty."""
    value = environ.get(KEY_ENV, "")
    return value.encode("utf-8") if value else None


def canonical_bytes(card: dict) -> bytes:
    """The scorecard without its signature, in the one byte form both signer and checker use."""
    unsigned = {key: value for key, value in card.items() if key != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def signature_of(card: dict, key: bytes) -> str:
    return hmac.new(key, canonical_bytes(card), hashlib.sha256).hexdigest()


def sign(card: dict, key: bytes) -> dict:
    """A copy of the scorecard with its signature added."""
    return {**card, "signature": {"algorithm": ALGORITHM, "value": signature_of(card, key)}}


def signature_state(card: dict, key: bytes | None) -> str:
    """valid, tampered, unsigned, or unchecked (signed, but there is no key to check it with)."""
    signature = card.get("signature")
    if not isinstance(signature, dict) or not isinstance(signature.get("value"), str):
        return "unsigned"
    if key is None:
        return "unchecked"
    if signature.get("algorithm") != ALGORITHM or not HEX_DIGEST.fullmatch(signature["value"]):
        return "tampered"
    return "valid" if hmac.compare_digest(signature["value"], signature_of(card, key)) else "tampered"
