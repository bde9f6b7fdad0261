"""Expert cards: YAML → the same card representation, scored and explained by the same code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from firmscore.datamodel.specials import NOT_AUTHORIZED
from firmscore.model.card import CardModel
from firmscore.model.expert import EXPERT_CARDS_DIR, ExpertCardError, ExpertScorecard, load_expert_card
from firmscore.model.sql_export import score_query

EXAMPLE = EXPERT_CARDS_DIR / "sme_expert_v1.yaml"


def _rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "basic_age_years": [0.5, 10.0, np.nan, 3.0],
            "basic_status_failed": [0.0, 1.0, 0.0, 0.0],
            "beh_sales_months_active_12m": [12.0, 2.0, 6.0, 11.0],
            "beh_tax_rating_latest": [1.0, 4.0, np.nan, 2.0],
            "perf_days_since_enforcement": [np.nan, 100.0, 2000.0, 365.0],
            "rel_shared_address_firms": [1.0, 20.0, 3.0, 2.0],
            "lr_personal_overdue_count": [0.0, NOT_AUTHORIZED, 5.0, 1.0],
            "lr_dishonest_now": [0.0, NOT_AUTHORIZED, 1.0, 0.0],
        }
    )


def test_example_card_loads_into_the_shared_representation() -> None:
    card = load_expert_card(EXAMPLE)
    assert isinstance(card, CardModel) and card.kind == "expert"
    assert {f.dimension for f in card.features} == {"basic", "behaviour", "performance", "relationship", "legal_rep"}
    best = card.base_points + sum(f.max_points for f in card.features)
    worst = card.base_points + sum(f.min_points for f in card.features)
    assert 1000 <= worst < best <= 2000


def test_scores_by_hand() -> None:
    est = ExpertScorecard(EXAMPLE).fit()
    X = _rows()
    s = est.points(X)
    # row 0: age 0.5 → 0, not failed → 60, 12 months → 75, rating 1 → 70, never enforced → 90,
    # 1 shared-address firm → 50, no overdue → 70, not dishonest → 55
    assert s[0] == 1150 + 0 + 60 + 75 + 70 + 90 + 50 + 70 + 55
    # row 1: 10y → 80, failed → 0, 2 months → 0, rating 4 → 0, 100 days → 0, 20 firms → 0,
    # not authorized → 25 and 25 (special points), boundaries are right-closed
    assert s[1] == 1150 + 80 + 0 + 0 + 0 + 0 + 0 + 25 + 25
    # row 3: age 3 (≤ 3) → 30, 11 months (≤ 11) → 60, rating 2 → 50, 365 days (≤ 365) → 0, 2 firms → 50
    assert s[3] == 1150 + 30 + 60 + 60 + 50 + 0 + 50 + 40 + 55
    pts = est.card_.points(X)
    assert np.array_equal(est.card_.base_points + pts.sum(axis=1).to_numpy(), s)


def test_reasons_and_subscores_come_from_the_same_code() -> None:
    est = ExpertScorecard(EXAMPLE).fit()
    X = _rows()
    sub = est.subscores(X)
    assert sub.loc[0, "behaviour"] == 100.0 and sub.loc[1, "behaviour"] == 0.0
    r = est.reasons(X, metadata={"lr_dishonest_now": {"name_zh": "法人失信在列", "name_en": "Rep listed dishonest"}})
    row1 = r[r["row"] == 1]
    assert len(row1) == 4 and row1["points_lost"].is_monotonic_decreasing
    rep = r[(r["row"] == 1) & (r["feature"] == "lr_dishonest_now")]
    if len(rep):
        assert "未获授权" in rep["text_zh"].iloc[0] and "not authorized" in rep["text_en"].iloc[0]
    assert est.points_table()["points"].notna().all()


def test_sql_export_works_for_expert_cards() -> None:
    card = load_expert_card(EXAMPLE)
    assert "LEAST(GREATEST(" in score_query(card, "features", "enterprise_id")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: x\nbase_points: 1000\nfeatures: []\n", "non-empty list"),
        ("name: x\nfeatures: [{feature: a, bins: [{points: 1}], missing_points: 0}]\n", "missing 'base_points'"),
        (
            "name: x\nbase_points: 1000\nfeatures:\n - {feature: a, bins: [{upper: 2, points: 1},"
            " {upper: 1, points: 2}, {points: 3}], missing_points: 0}\n",
            "feature 'a': 'upper' bounds must increase",
        ),
        (
            "name: x\nbase_points: 1000\nfeatures:\n - {feature: a, bins: [{upper: 2, points: 1.5}, {points: 3}],"
            " missing_points: 0}\n",
            r"feature 'a' bins\[0\]: points must be an integer",
        ),
        ("name: x\nbase_points: 1000\nfeatures:\n - {feature: a, bins: [{points: 3}]}\n", "missing_points"),
        (
            "name: x\nbase_points: 1000\nfeatures:\n - {feature: a, dimension: money, bins: [{points: 3}],"
            " missing_points: 0}\n",
            "unknown dimension",
        ),
        (
            "name: x\nbase_points: 1000\nfeatures:\n - {feature: a, kind: categorical, bins: [{categories: [u, v],"
            " points: 3}, {categories: [v], points: 1}], missing_points: 0}\n",
            "two bins",
        ),
        ("name: x\nbase_points: [\n", "not valid YAML"),
    ],
)
def test_bad_cards_name_file_and_feature(tmp_path: Path, text: str, message: str) -> None:
    p = tmp_path / "card.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ExpertCardError, match=message) as exc:
        load_expert_card(p)
    assert str(p) in str(exc.value)


def test_categorical_expert_feature_and_unknown_labels(tmp_path: Path) -> None:
    p = tmp_path / "cat.yaml"
    p.write_text(
        "name: c\nbase_points: 1200\nfeatures:\n"
        " - feature: industry\n   kind: categorical\n   dimension: basic\n"
        "   bins:\n    - {categories: [retail, wholesale], points: 30}\n"
        "    - {categories: [construction], points: 10}\n"
        "   missing_points: 15\n",
        encoding="utf-8",
    )
    card = load_expert_card(p)
    s = card.score(pd.DataFrame({"industry": ["retail", "construction", None, "mining"]}))
    assert s.tolist() == [1230, 1210, 1215, 1215]
