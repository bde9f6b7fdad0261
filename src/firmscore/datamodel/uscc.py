"""Unified social credit code (统一社会信用代码, GB 32100-2015).

18 characters from a 31-character alphabet (digits and upper-case letters without I, O, S, V, Z):
registration authority (1), entity type (1), administrative division (6), organisation code (9)
and a check character computed modulo 31 over the first 17. Bad codes raise
:class:`InvalidCreditCode` with a reason a person can act on, never a bare ``KeyError``.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18


class InvalidCreditCode(ValueError):
    """A string that is not a valid unified social credit code; ``reason`` says why."""

    def __init__(self, code: object, reason: str) -> None:
        super().__init__(f"invalid unified social credit code {code!r}: {reason}")
        self.code = code
        self.reason = reason


def check_character(body: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters ``body``."""
    if len(body) != LENGTH - 1:
        raise InvalidCreditCode(body, f"body must have 17 characters, has {len(body)}")
    total = 0
    for pos, ch in enumerate(body):
        value = _VALUE.get(ch)
        if value is None:
            raise InvalidCreditCode(body, f"character {ch!r} at position {pos + 1} is not allowed")
        total += value * _WEIGHTS[pos]
    return ALPHABET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    """Strip blanks and upper-case; registries print codes in either case."""
    return code.strip().upper()


def validate(code: object) -> str:
    """Return the normalised code or raise :class:`InvalidCreditCode` explaining what is wrong."""
    if not isinstance(code, str):
        raise InvalidCreditCode(code, f"expected text, got {type(code).__name__}")
    norm = normalize(code)
    if len(norm) != LENGTH:
        raise InvalidCreditCode(code, f"must have 18 characters, has {len(norm)}")
    expected = check_character(norm[:17])
    if norm[17] not in _VALUE:
        raise InvalidCreditCode(code, f"check character {norm[17]!r} is not allowed")
    if norm[17] != expected:
        raise InvalidCreditCode(code, f"check character is {norm[17]!r}, expected {expected!r}")
    return norm


def is_valid(code: object) -> bool:
    """True when ``code`` is a valid unified social credit code."""
    try:
        validate(code)
    except InvalidCreditCode:
        return False
    return True


def make_code(body: str) -> str:
    """Complete a 17-character body with its check character (used by the synthetic universe)."""
    return body + check_character(body)
