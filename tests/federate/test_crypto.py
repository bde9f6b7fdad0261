"""Paillier sums are exact; CKKS keeps the documented fixed-point tolerance; the sigmoid polynomial is exact enough."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from firmscore.federate import ckks, paillier
from firmscore.federate.regression import chebyshev_T, degree_for, residual_coefficients


def test_paillier_group_sums_are_exact_and_rerandomised() -> None:
    kp = paillier.generate(1024)
    rng = np.random.default_rng(3)
    y = (rng.random(2000) < 0.2).astype(np.float64)
    group = rng.integers(0, 7, 2000).astype(np.intp)
    cts = paillier.unpack(paillier.pack(paillier.encrypt_bits(kp.public, y), kp.public), kp.public)
    sums = paillier.sum_by_group(cts, group, 7, kp.public)
    assert [kp.decrypt_int(c) for c in sums] == [int(y[group == k].sum()) for k in range(7)]
    # the same plaintext sum never gives the same ciphertext twice (fresh randomness)
    again = paillier.sum_by_group(cts, group, 7, kp.public)
    assert all(a != b for a, b in zip(sums, again, strict=True))
    # the phe library decrypts our fast encryptions
    assert kp.private.raw_decrypt(int(paillier.encrypt_bits(kp.public, np.array([1.0]))[0])) == 1


def test_paillier_rejects_out_of_range_ciphertexts() -> None:
    kp = paillier.generate(1024)
    raw = b"\x00" * kp.public.ciphertext_bytes
    with pytest.raises(ValueError, match="outside"):
        paillier.unpack(raw, kp.public)


def test_ckks_error_stays_within_documented_tolerance() -> None:
    ctx = ckks.new_context()
    rng = np.random.default_rng(5)
    n = 5000
    a, b, c = rng.normal(size=n), rng.normal(size=n), rng.normal(size=n)
    enc = ckks.EncVector.encrypt(ctx, a)
    once = enc.mul_plain(b)
    assert np.abs(once.decrypt() - a * b).max() < 1e-6
    total = sum(np.asarray(v.decrypt()).sum() for v in [once.dot_chunks(c)])
    assert abs(total - float(np.sum(a * b * c))) < 1e-4  # two plaintext products, 5,000-term sum
    masked = once.add_plain(ckks.uniform_mask(n)).decrypt()
    assert np.abs(masked).mean() > 1e5  # masks dominate what the decrypting side sees


def test_zero_sum_mask_keeps_the_total() -> None:
    m = ckks.zero_sum_mask(ckks.SLOTS)
    assert abs(m.sum()) < 1e-6 and np.abs(m).mean() > 1e5


@pytest.mark.parametrize("radius", [1e-3, 0.5, 2.0, 5.0, 9.0])
def test_chebyshev_residual_matches_sigmoid(radius: float) -> None:
    rng = np.random.default_rng(7)
    a = rng.normal(-3, 2, 400)
    y = (rng.random(400) < 0.1).astype(np.float64)
    k = degree_for(radius)
    coef = residual_coefficients(a, y, radius, k)
    t = np.linspace(-1, 1, 400)
    approx = np.sum(coef * chebyshev_T(t, k), axis=1)
    assert np.abs(approx - (expit(a + radius * t) - y)).max() < 1e-7
