"""ECDH-PSI: both sides find exactly the common ids; blinded points reveal nothing in clear."""

from __future__ import annotations

import pytest

from firmscore.federate import psi
from firmscore.federate.errors import FederationError


def test_intersection_is_exact_and_order_free() -> None:
    guest = [f"91110000{i:010d}" for i in range(0, 3000, 3)]
    host = [f"91110000{i:010d}" for i in range(0, 3000, 2)][::-1]
    a, b = psi.new_secret(), psi.new_secret()
    g1 = psi.blind(a, psi.hash_ids(guest))
    h1 = psi.blind(b, psi.hash_ids(host), workers=2)
    gb = psi.blind(b, g1)
    hb = psi.blind(a, h1)
    mine, theirs = psi.matches(gb, hb)
    expect = set(guest) & set(host)
    assert {guest[i] for i in mine} == expect
    assert {host[j] for j in theirs} == expect
    # the doubly blinded points commute; the singly blinded ones differ per secret
    assert psi.split(gb)[0] == psi.split(psi.blind(a, psi.blind(b, psi.hash_ids(guest[:1]))))[0]
    assert psi.split(g1)[0] != psi.split(psi.blind(b, psi.hash_ids(guest[:1])))[0]


def test_no_id_text_or_plain_hash_in_blinded_points() -> None:
    ids = ["91330000MA2ABCDE1X", "91330000MA2ABCDE2Y"]
    blinded = psi.blind(psi.new_secret(), psi.hash_ids(ids))
    assert all(i.encode() not in blinded for i in ids)
    assert all(h not in blinded for h in psi.split(psi.hash_ids(ids)))


def test_bad_point_buffer_is_malformed() -> None:
    with pytest.raises(FederationError) as exc:
        psi.blind(psi.new_secret(), b"\x01" * 33)
    assert exc.value.code == "federate.malformed"
    with pytest.raises(FederationError):
        psi.blind(psi.new_secret(), b"\x00" * 32)  # a small-order point
