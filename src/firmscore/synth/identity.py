"""Valid identifiers for synthetic entities, built vectorised.

* Unified social credit codes (GB 32100-2015): registration and type characters from the legal
  form, a 6-digit division code, a 9-character body that is a bijection of the firm index (so
  codes never collide, whatever the universe size) and the mod-31 check character.
* Resident ID numbers (GB 11643-1999): a 6-digit division, the birth date, a 3-digit sequence and
  the mod-11 check digit. The person index is split so that two persons can never share a number:
  ``index mod S`` picks (division, sequence) through a scrambling bijection and ``index div S``
  fixes the day of year modulo :data:`DAY_CLASSES`.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from firmscore.datamodel.uscc import ALPHABET
from firmscore.synth.strings import digit_matrix, from_byte_matrix

_ALPHABET_BYTES = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
_ORG_SPACE = 31**9
#: largest universe for which the affine org-code map cannot overflow int64
MAX_ENTERPRISES = 50_000_000

_ID_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
DAY_CLASSES = 54


def _org_map(seed: int) -> tuple[int, int]:
    rng = np.random.default_rng([seed, 0x0C0DE])
    a = int(rng.integers(10**10, 10**11))
    if a % 31 == 0:
        a += 1
    return a, int(rng.integers(0, _ORG_SPACE))


def uscc_codes(seed: int, index: np.ndarray, prefix2: np.ndarray, region6: np.ndarray) -> pa.StringArray:
    """Credit codes for firm ``index`` with 2-char prefixes (e.g. ``b"91"``) and 6-digit region codes.

    ``prefix2`` and ``region6`` are ``(n, 2)`` and ``(n, 6)`` uint8 ASCII matrices.
    """
    idx = np.asarray(index, dtype=np.int64)
    if idx.size and int(idx.max()) >= MAX_ENTERPRISES:
        raise ValueError(f"at most {MAX_ENTERPRISES:,} enterprises are supported")
    a, b = _org_map(seed)
    org = (idx * a + b) % _ORG_SPACE
    org_vals = (org[:, None] // (31 ** np.arange(8, -1, -1, dtype=np.int64))[None, :]) % 31
    head = np.hstack([prefix2, region6]).astype(np.int64) - ord("0")  # digits only in the head
    values = np.hstack([head, org_vals])
    check = (31 - (values @ _USCC_WEIGHTS) % 31) % 31
    chars = np.hstack([np.asarray(prefix2, np.uint8), np.asarray(region6, np.uint8), _ALPHABET_BYTES[org_vals],
                       _ALPHABET_BYTES[check][:, None]])
    return from_byte_matrix(chars)


def person_slot_space(n_divisions: int) -> int:
    """Number of (division, sequence) slots; persons per day class."""
    return n_divisions * 1000


def resident_ids(
    seed: int, person_index: np.ndarray, division6: np.ndarray, birth_year: np.ndarray, u_day: np.ndarray
) -> tuple[pa.StringArray, np.ndarray]:
    """Resident ID numbers and the division row chosen for each person.

    ``division6`` is the ``(R, 6)`` ASCII matrix of allowed divisions; ``u_day`` uniforms in [0, 1)
    choose the birthday inside the person's day class. Returns (ids, division row per person).
    """
    p = np.asarray(person_index, dtype=np.int64)
    space = person_slot_space(len(division6))
    if p.size and int(p.max()) >= space * DAY_CLASSES:
        raise ValueError(f"at most {space * DAY_CLASSES:,} persons are supported")
    rng = np.random.default_rng([seed, 0x1D])
    a2 = 1_000_003
    b2 = int(rng.integers(0, space))
    slot = ((p % space) * a2 + b2) % space
    div_row, seq = slot // 1000, slot % 1000
    day_class = p // space
    j_max = (364 - day_class) // DAY_CLASSES
    day_of_year = day_class + DAY_CLASSES * np.floor(u_day * (j_max + 1)).astype(np.int64)
    years = np.asarray(birth_year, dtype=np.int64)
    dates = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]") + day_of_year
    ymd = dates.astype("datetime64[D]")
    month = (ymd.astype("datetime64[M]").astype(np.int64) % 12) + 1
    day = (ymd - ymd.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    body = np.hstack([np.asarray(division6, np.uint8)[div_row], digit_matrix(years, 4), digit_matrix(month, 2),
                      digit_matrix(day, 2), digit_matrix(seq, 3)])
    check = _ID_CHECK[((body.astype(np.int64) - ord("0")) @ _ID_WEIGHTS) % 11]
    return from_byte_matrix(np.hstack([body, check[:, None]])), div_row
