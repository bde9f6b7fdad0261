"""The canonical data model: credit codes, person ids, field encryption, schemas."""

from __future__ import annotations

import hashlib
import hmac

import pyarrow as pa
import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import given
from hypothesis import strategies as st

from firmscore.datamodel import RecordType, content_columns, schema_for
from firmscore.datamodel.pii import (
    FieldCipher,
    InvalidPersonId,
    PersonIdHasher,
    resident_id_check_digit,
    valid_resident_ids,
    validate_resident_id,
)
from firmscore.datamodel.uscc import ALPHABET, InvalidCreditCode, is_valid, make_code, validate, validate_many

# Real, published codes (companies' own registry pages).
KNOWN_VALID = ["91330100799655058B", "91440300708461136T"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_credit_codes_validate(code: str) -> None:
    assert validate(code) == code
    assert validate(" " + code.lower() + " ") == code


def test_bad_credit_codes_explain_why() -> None:
    with pytest.raises(InvalidCreditCode, match="18 characters"):
        validate("9133010079965505")
    with pytest.raises(InvalidCreditCode, match="expected 'B'"):
        validate("91330100799655058C")
    with pytest.raises(InvalidCreditCode, match="not allowed"):
        validate("9133010079965505IB")
    with pytest.raises(InvalidCreditCode, match="expected text"):
        validate(12345)


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_made_codes_always_validate_and_any_single_change_is_caught(body: str) -> None:
    code = make_code(body)
    assert is_valid(code)
    # changing the check character always breaks it
    other = next(c for c in ALPHABET if c != code[-1])
    assert not is_valid(code[:-1] + other)


@given(st.text(max_size=30))
def test_validate_never_crashes(text: str) -> None:
    try:
        validate(text)
    except InvalidCreditCode as exc:
        assert exc.reason


def test_person_id_hash_is_keyed_and_stable() -> None:
    body = "11010519491231002"
    number = body + resident_id_check_digit(body)
    assert validate_resident_id(number) == number
    h1, h2 = PersonIdHasher(b"k" * 32), PersonIdHasher(b"j" * 32)
    assert h1(number) == h1(number.lower())
    assert h1(number) != h2(number)
    assert number not in h1(number)
    with pytest.raises(InvalidPersonId):
        validate_resident_id(body + ("0" if number[-1] != "0" else "1"))


@given(st.lists(st.one_of(
    st.text(alphabet="0123456789X", min_size=17, max_size=19),
    st.text(alphabet="0123456789X\u0661\u00b2\uff11", min_size=18, max_size=18),
    st.text(min_size=0, max_size=20),
    st.from_regex(r"[0-9]{17}", fullmatch=True).map(lambda b: b + resident_id_check_digit(b)),
), max_size=40))
def test_vectorised_resident_id_check_agrees_with_the_scalar_one(numbers: list[str]) -> None:
    def scalar(v: str) -> bool:
        try:
            validate_resident_id(v)
        except InvalidPersonId:
            return False
        return True

    normalised = [v.strip().upper() for v in numbers]  # what ingestion hands it
    assert valid_resident_ids(normalised).tolist() == [scalar(v) for v in normalised]


@given(key=st.binary(min_size=16, max_size=100), ids=st.lists(st.text(min_size=1, max_size=20), max_size=10))
def test_person_id_hash_is_rfc2104_hmac_sha256(key: bytes, ids: list[str]) -> None:
    hasher = PersonIdHasher(key)
    expected = ["P" + hmac.new(key, v.encode(), hashlib.sha256).hexdigest()[:39] for v in ids]
    assert hasher.many(ids) == expected
    assert [hasher(" " + v + " ") for v in ids if v == v.strip().upper()] == [
        e for v, e in zip(ids, expected, strict=True) if v == v.strip().upper()
    ]


def test_field_cipher_roundtrip_and_binding() -> None:
    c = FieldCipher(b"\x01" * 32)
    blob = c.encrypt("张三", "name:P1")
    assert "张三".encode() not in blob
    assert c.decrypt(blob, "name:P1") == "张三"
    with pytest.raises(InvalidTag):
        c.decrypt(blob, "name:P2")
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(InvalidTag):
        c.decrypt(tampered, "name:P1")


def test_every_schema_has_provenance_and_time_columns() -> None:
    for rt in RecordType:
        names = schema_for(rt).names
        for col in ("record_id", "source", "source_record_id", "observed_at", "effective_from", "legal_expiry"):
            assert col in names, (rt, col)
        assert "observed_at" not in content_columns(rt)
        assert "legal_expiry" in content_columns(rt)
    assert schema_for("event").field("observed_at").type == pa.timestamp("us", tz="UTC")


def _one_by_one(code: str) -> tuple[str | None, str | None]:
    try:
        return validate(code), None
    except InvalidCreditCode as exc:
        return None, exc.reason


_near_codes = st.one_of(
    st.text(alphabet=ALPHABET, min_size=17, max_size=17).map(make_code),  # valid
    st.text(alphabet=ALPHABET, min_size=18, max_size=18),  # mostly a wrong check character
    st.text(alphabet=ALPHABET + "abcxyzIOSVZ ", min_size=16, max_size=20),  # case, blanks, banned letters, length
    st.text(min_size=0, max_size=20),  # anything, non-ASCII included
    st.text(alphabet=ALPHABET, min_size=17, max_size=17).map(lambda b: " " + make_code(b).lower() + " "),
)


@given(st.lists(_near_codes, max_size=40))
def test_validate_many_agrees_with_validate_code_by_code(codes: list[str]) -> None:
    codes_out, reasons = validate_many(codes)
    assert list(zip(codes_out, reasons, strict=True)) == [_one_by_one(c) for c in codes]
