"""Unified social credit code (统一社会信用代码, GB 32100-2015).

18 characters from a 31-character alphabet (digits and upper-case letters without I, O, S, V, Z):
registration authority (1), entity type (1), administrative division (6), organisation code (9)
and a check character computed modulo 31 over the first 17. Bad codes raise
:class:`InvalidCreditCode` with a reason a person can act on, never a bare ``KeyError``.
"""

from __future__ import annotations

import numpy as np

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


_LOOKUP = np.full(256, -1, dtype=np.int64)
_LOOKUP[np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)] = np.arange(len(ALPHABET))
_WEIGHT_ROW = np.array(_WEIGHTS, dtype=np.int64)


def validate_many(codes: list[str]) -> tuple[list[str | None], list[str | None]]:
    """:func:`validate` over many codes at once: (normalised code or None, reason or None) per code.

    Ingestion checks every firm's code; the per-character loop of :func:`check_character` was a
    visible share of an ingest. Well-formed codes are checked as one ``uint8`` matrix; the rest (and
    every code the matrix refuses) go through :func:`validate`, so the reasons are exactly its own.
    """
    norm = [normalize(c) for c in codes]
    shaped = np.fromiter((len(c) == LENGTH and c.isascii() for c in norm), dtype=bool, count=len(norm))
    good = np.zeros(len(norm), dtype=bool)
    rows = np.flatnonzero(shaped)
    if rows.size:
        text = "".join(norm[i] for i in rows).encode("ascii")
        values = _LOOKUP[np.frombuffer(text, dtype=np.uint8).reshape(-1, LENGTH)]
        expected = (31 - (values[:, :17] * _WEIGHT_ROW).sum(axis=1) % 31) % 31
        good[rows] = (values >= 0).all(axis=1) & (values[:, 17] == expected)
    out: list[str | None] = [c if ok else None for c, ok in zip(norm, good.tolist(), strict=True)]
    reasons: list[str | None] = [None] * len(norm)
    for i in np.flatnonzero(~good).tolist():
        try:
            out[i] = validate(codes[i])
        except InvalidCreditCode as exc:
            reasons[i] = exc.reason
    return out, reasons


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
