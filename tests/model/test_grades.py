"""The master scale: monotone geometric bands covering [0, 1]."""

from __future__ import annotations

import numpy as np
import pytest

from firmscore.model.grades import DEFAULT_GRADE, Grade, MasterScale, score_band


def test_default_scale_is_monotone_and_covers_unit_interval() -> None:
    scale = MasterScale.geometric()
    assert len(scale.grades) >= 7
    edges = scale.edges
    assert edges[0] == 0.0 and edges[-1] == 1.0
    assert np.all(np.diff(edges) > 0)
    central = np.array([g.pd_central for g in scale.grades])
    assert np.all(np.diff(central) > 0)
    # Geometric: constant ratio of central PDs; boundaries are geometric means.
    ratios = central[1:] / central[:-1]
    np.testing.assert_allclose(ratios, ratios[0])
    np.testing.assert_allclose(edges[1:-1], np.sqrt(central[:-1] * central[1:]))
    assert scale.names[-1] == DEFAULT_GRADE


def test_every_pd_gets_exactly_its_band() -> None:
    scale = MasterScale.geometric(n_grades=8)
    pd_ = np.random.default_rng(0).random(5000)
    idx = scale.grade_index(pd_)
    lower = scale.edges[idx]
    upper = scale.edges[idx + 1]
    assert np.all((lower <= pd_) & (pd_ < upper))
    names = scale.assign([0.0, 0.9999, 1.0, 0.01], defaulted=[False, False, False, True])
    assert list(names) == [scale.grades[0].name, scale.grades[-1].name, "D", "D"]
    # Worse PD never gets a better grade.
    sorted_idx = scale.grade_index(np.sort(pd_))
    assert np.all(np.diff(sorted_idx) >= 0)


def test_invalid_scales_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 7"):
        MasterScale.geometric(n_grades=5)
    good = MasterScale.geometric().grades
    gap = (*good[:3], Grade(good[3].name, good[3].pd_lower + 1e-4, good[3].pd_upper, good[3].pd_central),
           *good[4:])
    with pytest.raises(ValueError, match="gap"):
        MasterScale(gap)
    with pytest.raises(ValueError, match="row 1"):
        MasterScale.geometric().grade_index([0.1, 1.5])


def test_score_bands_follow_architecture() -> None:
    bands = score_band([1000, 1299.9, 1300, 1450, 1500, 1600, 2000])
    assert list(bands) == ["poor", "poor", "medium", "good", "excellent", "outstanding", "outstanding"]
