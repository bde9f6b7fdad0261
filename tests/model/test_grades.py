"""The master scale: monotone geometric bands covering [0, 1]."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


@settings(max_examples=60, deadline=None)
@given(
    n_grades=st.integers(7, 20),
    pd_best=st.floats(1e-5, 1e-2),
    ratio=st.floats(5.0, 5000.0),
    pds=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=50),
)
def test_any_geometric_scale_tiles_unit_interval(n_grades: int, pd_best: float, ratio: float, pds: list[float]) -> None:
    pd_worst = min(pd_best * ratio, 0.9)
    if pd_worst <= pd_best:
        return
    scale = MasterScale.geometric(n_grades, pd_best, pd_worst)
    edges = scale.edges
    assert edges[0] == 0.0 and edges[-1] == 1.0 and np.all(np.diff(edges) > 0)
    idx = scale.grade_index(np.array(pds))
    ordered = scale.grade_index(np.sort(pds))
    assert np.all(np.diff(ordered) >= 0)
    p = np.array(pds)
    inside = p < 1.0
    assert np.all((edges[idx[inside]] <= p[inside]) & (p[inside] < edges[idx[inside] + 1]))
    assert np.all(idx[~inside] == n_grades)


def test_grade_score_ranges_follow_calibration() -> None:
    from firmscore.model.calibration import LogisticCalibrator
    from firmscore.model.grades import grade_score_ranges

    rng = np.random.default_rng(4)
    score = rng.normal(1450, 80, 20000)
    y = (rng.random(score.size) < 1 / (1 + np.exp(3 + (score - 1450) / 40))).astype(int)
    cal = LogisticCalibrator().fit(score, y)
    scale = MasterScale.geometric()
    table = grade_score_ranges(scale, cal.score_for_pd)
    assert table["score_upper"].iloc[0] == 2000 and table["score_lower"].iloc[-1] == 1000
    np.testing.assert_array_equal(table["score_lower"].iloc[:-1].to_numpy(), table["score_upper"].iloc[1:].to_numpy())
    # A score inside a grade's range gets that grade through the PD.
    for row in table.itertuples():
        lower, upper = float(row.score_lower), float(row.score_upper)  # type: ignore[arg-type]
        if upper - lower > 2:
            mid = (lower + upper) / 2
            assert scale.assign(cal.predict([mid]))[0] == row.grade
