"""Passwords (scrypt with a random salt) and session tokens."""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import hmac
import os
import re
import secrets
import threading

# scrypt cost: about 40 ms and 16 MiB per hash on a laptop; stored with each hash so it
# can change without invalidating old ones.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
# Hashes computed at once, per server process. Sign-ins run on the thread pool (40
# threads): unbounded, a wave of them (1000 users arriving) ran dozens of hashes side by
# side, which took the cores from the event loop and every other request
# (bench/load.py). Bounded, sign-ins queue here and the rest keeps answering.
# APPS_HASHING_SLOTS sets the bound; 0 leaves hashing unbounded (to measure the difference).
_SLOTS = int(os.environ.get("APPS_HASHING_SLOTS") or max(1, (os.cpu_count() or 2) // 2))
HASHING_SLOTS = threading.BoundedSemaphore(_SLOTS) if _SLOTS > 0 else None


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    with HASHING_SLOTS or contextlib.nullcontext():
        return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, 32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p), len(expected))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


@functools.cache
def _dummy_hash() -> str:
    return hash_password("not-a-password-0")


def burn_password_check(password: str) -> None:
    """Spend the time of a real check, so an unknown email answers as slowly as a known one."""
    verify_password(password, _dummy_hash())


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Sessions are stored by hash: a copy of the database does not give live sessions."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def tokens_match(sent: str | None, expected: str) -> bool:
    return sent is not None and hmac.compare_digest(sent.encode(), expected.encode())


def password_problem(password: str, *, current: str | None = None) -> str | None:
    """Why `password` breaks the rules (10+ characters, a letter and a digit), or None."""
    if len(password) < 10:
        return "Use at least 10 characters."
    if not re.search(r"[^\W\d_]", password) or not re.search(r"\d", password):
        return "Use at least one letter and one digit."
    if current is not None and password == current:
        return "Choose a password different from the current one."
    return None
