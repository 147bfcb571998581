"""Work whose answer cannot be had without doing it: Rivest, Shamir and Wagner's time-lock puzzle.

A task's answer is x^(2^t) mod N, for a base x drawn from its seed: t squarings, one after the
other, with nothing to be gained by running them in parallel or skipping them. Only the grader
knows N's two prime factors, made fresh for each suite process, and with them it checks an
answer with two short exponentiations: 2^t mod phi(N), then x to that power.

The student's process gets N and t (in a TimedWork), never the factors.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from functools import lru_cache

from student_runtime.workloads.tasks import puzzle_base, square_mod

# Each prime; 1,024 bits of modulus, far beyond factoring within a grading run.
PRIME_BITS = 512
MILLER_RABIN_ROUNDS = 24
_SMALL_PRIMES = [p for p in range(3, 2000, 2) if all(p % d for d in range(3, int(p ** 0.5) + 1, 2))]


def _probably_prime(n: int) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return n in _SMALL_PRIMES
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(MILLER_RABIN_ROUNDS):
        x = pow(secrets.randbelow(n - 3) + 2, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits: int) -> int:
    while True:
        candidate = secrets.randbits(bits) | (1 << (bits - 1)) | 1
        if _probably_prime(candidate):
            return candidate


@dataclass(frozen=True)
class TimeLock:
    """A modulus with its factors, which only the grader holds."""

    p: int
    q: int

    @property
    def modulus(self) -> int:
        return self.p * self.q

    def answer(self, seed: int, squarings: int) -> int:
        """What a task of this many squarings must return for this seed, found the short way:
        modulo each prime apart (a quarter of the work of one exponentiation modulo N), then
        put together by the Chinese remainder theorem."""
        base = puzzle_base(seed, self.modulus)
        if base % self.p == 0 or base % self.q == 0:
            phi = (self.p - 1) * (self.q - 1)
            return pow(base, pow(2, squarings, phi), self.modulus)
        by_p = pow(base % self.p, pow(2, squarings, self.p - 1), self.p)
        by_q = pow(base % self.q, pow(2, squarings, self.q - 1), self.q)
        return by_q + self.q * ((by_p - by_q) * pow(self.q, -1, self.p) % self.p)


@lru_cache(maxsize=1)
def time_lock() -> TimeLock:
    """This suite process's puzzle modulus, made on first use."""
    p = _prime(PRIME_BITS)
    q = _prime(PRIME_BITS)
    while q == p:
        q = _prime(PRIME_BITS)
    return TimeLock(p, q)


def squarings_for(cpu_seconds: float, modulus: int) -> int:
    """How many squarings modulo `modulus` take about this many seconds of CPU here."""
    return max(1_000, int(PROBE_SQUARINGS * cpu_seconds / _probe_cpu_s(modulus)))


PROBE_SQUARINGS = 4_000


@lru_cache(maxsize=4)
def _probe_cpu_s(modulus: int) -> float:
    """The CPU time of PROBE_SQUARINGS squarings, measured once per modulus (so once a suite).

    Measured in CPU time, fastest of a few probes: on a busy machine a stopwatch runs on while
    the probe waits for a CPU, and work sized by it would shrink.
    """
    fastest = float("inf")
    for _ in range(3):
        start = time.thread_time()
        square_mod(3, PROBE_SQUARINGS, modulus)
        fastest = min(fastest, time.thread_time() - start)
    return max(fastest, 1e-5)
