"""Counter-based random numbers: the same (seed, stream, index) always gives the same draw.

Block generators use ordinary ``numpy.random.Generator`` streams, but a few attributes must be
recomputable for *any* firm from any block (the id of a trading partner in another block, its
region and latent health). Those come from a SplitMix64 hash of (seed, stream, index), which is
vectorised, stateless and therefore independent of chunking.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_MASK64 = (1 << 64) - 1


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser on a ``uint64`` array (wrapping arithmetic)."""
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def hash64(seed: int, stream: int, index: np.ndarray) -> np.ndarray:
    """64-bit hash of (seed, stream, index) for every index."""
    key = np.uint64((seed * 0x632BE59BD9B4E019 + stream * 0x85EBCA77C2B2AE63) & _MASK64)
    with np.errstate(over="ignore"):
        x = np.asarray(index, dtype=np.uint64) * _GOLDEN + key
        return _mix(_mix(x) ^ key)


def uniform(seed: int, stream: int, index: np.ndarray) -> np.ndarray:
    """Uniform draws in [0, 1) keyed by (seed, stream, index)."""
    return (hash64(seed, stream, index) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def normal(seed: int, stream: int, index: np.ndarray) -> np.ndarray:
    """Standard normal draws keyed by (seed, stream, index) (inverse-CDF of :func:`uniform`)."""
    u = uniform(seed, stream, index)
    return np.asarray(ndtri(np.clip(u, 1e-12, 1 - 1e-12)))


def choice(seed: int, stream: int, index: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Categorical draws (indices into ``weights``) keyed by (seed, stream, index)."""
    cdf = np.cumsum(weights) / np.sum(weights)
    return np.minimum(np.searchsorted(cdf, uniform(seed, stream, index), side="right"), len(weights) - 1)
