"""Password policy and Argon2id hashing.

The policy is the baseline's: at least 8 characters from at least 3 of the classes lower
case, upper case, digits and others, and not in the common-password list shipped beside this
module. Hashes are Argon2id (argon2-cffi) with a per-hash random salt; verification is
constant-time inside the library.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from laborsign.errors import InvalidInput
from laborsign.i18n import Text

MIN_LENGTH = 8
MAX_LENGTH = 128  # bounds the hashing work an attacker can ask for
MIN_CLASSES = 3

WEAK = Text(
    "密码不符合要求：至少 8 个字符，包含大写字母、小写字母、数字、符号中的三类，且不能是常见密码",
    "password too weak: at least 8 characters from 3 of upper case, lower case, digits and "
    "symbols, and not a common password",
)


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("laborsign.parties").joinpath("common_passwords.txt").read_text()
    return frozenset(
        line.strip().casefold()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def _classes(password: str) -> int:
    lower = any(c.islower() for c in password)
    upper = any(c.isupper() for c in password)
    digit = any(c.isdigit() for c in password)
    other = any(not c.isalnum() for c in password)
    return sum((lower, upper, digit, other))


def check_password(password: str, *, username: str = "") -> str:
    """The password, NFC-normalised, if the policy accepts it; else `InvalidInput`."""
    password = unicodedata.normalize("NFC", password)
    folded = password.casefold()
    if (
        not MIN_LENGTH <= len(password) <= MAX_LENGTH
        or _classes(password) < MIN_CLASSES
        or folded in common_passwords()
        or (username and username.casefold() in folded)
    ):
        raise InvalidInput(WEAK, field="password")
    return password


@dataclass(frozen=True)
class Argon2Params:
    """OWASP's recommended minimum for Argon2id (Password Storage Cheat Sheet): 19 MiB,
    2 iterations, 1 degree of parallelism; the settings may raise them."""

    memory_kib: int = 19456
    time_cost: int = 2
    parallelism: int = 1


class PasswordHashes:
    """Hashes and verifies passwords; knows when a stored hash uses outdated parameters."""

    def __init__(self, params: Argon2Params | None = None) -> None:
        p = params or Argon2Params()
        self._hasher = PasswordHasher(
            time_cost=p.time_cost,
            memory_cost=p.memory_kib,
            parallelism=p.parallelism,
            type=Type.ID,
        )
        # Verified against when the account does not exist, so that a login for an unknown
        # name costs the same time as one for a known name (no user enumeration by timing).
        self._dummy = self._hasher.hash("laborsign-dummy-password")

    def hash(self, password: str) -> str:
        return self._hasher.hash(unicodedata.normalize("NFC", password))

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return (
                self._hasher.verify(stored or self._dummy, unicodedata.normalize("NFC", password))
                and stored is not None
            )
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)
