"""Validation report: every section in Markdown and HTML, figures embedded, two models side by side."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from firmscore.model.challenger import LGBMChallenger
from firmscore.model.report import (
    SECTIONS,
    ModelCard,
    PeriodData,
    build_comparison_report,
    build_validation_report,
    heading,
)


def _period(label: str, n: int, shift: float, seed: int) -> PeriodData:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"debt_ratio": rng.normal(shift, 1, n), "firm_age": rng.gamma(3, 3, n)})
    logit = -3 + 0.9 * X["debt_ratio"] - 0.05 * X["firm_age"]
    pd_ = 1 / (1 + np.exp(-logit.to_numpy()))
    y = (rng.random(n) < pd_).astype(int)
    score = 1450 - 50 * logit.to_numpy()
    return PeriodData(label, y, pd_, score=score, features=X)


@pytest.fixture(scope="module")
def periods() -> tuple[PeriodData, PeriodData]:
    return _period("开发 / development", 2500, 0.0, 1), _period("跨期 / out-of-time", 2000, 0.6, 2)


def test_single_model_report_has_all_sections(periods: tuple[PeriodData, PeriodData], tmp_path: Path) -> None:
    dev, oot = periods
    card = ModelCard(name="sme-scorecard", version="2025.1", data="synthetic test sample", owners=["risk team"])
    report = build_validation_report(dev, out_of_time=oot, model_card=card, n_bootstrap=100)
    md, html = report.to_markdown(), report.to_html()
    for key in SECTIONS:
        assert heading(key) in md, key
        assert heading(key) in html, key
    for text in ("sme-scorecard", "synthetic test sample", "risk team", "Jeffreys p", "AUC", "KS", "Gini", "CSI"):
        assert text in md and text in html
    # Development and out-of-time side by side in the out-of-time section.
    oot_section = md.split(heading("out_of_time"))[1]
    assert "开发 / development" in oot_section and "跨期 / out-of-time" in oot_section
    # The shifted feature is flagged unstable against development.
    assert "debt_ratio" in md and "显著偏移 / significant shift" in md
    # The HTML is self-contained: every figure embedded as base64 PNG.
    assert len(re.findall(r'src="data:image/png;base64,', html)) == len(report.figures) >= 8
    paths = report.write(tmp_path / "out")
    assert paths["markdown"].read_text(encoding="utf-8") == md
    for fig in report.figures:
        assert f"figures/{fig.filename}" in md
        assert (tmp_path / "out" / "figures" / fig.filename).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "out" / "grades_0_1.csv").exists()


def test_report_figures_match_metrics(periods: tuple[PeriodData, PeriodData]) -> None:
    dev, _ = periods
    report = build_validation_report(dev, n_bootstrap=100)
    result = report.models[0].development
    assert f"{result.discrimination.auc.estimate:.3f}" in report.to_markdown()
    assert "no out-of-time sample given" in report.to_markdown()
    assert "no reference sample" in report.to_markdown()


def test_scorecard_and_challenger_side_by_side(periods: tuple[PeriodData, PeriodData]) -> None:
    dev, oot = periods
    assert dev.features is not None and oot.features is not None
    gbm = LGBMChallenger(monotone={"debt_ratio": 1, "firm_age": -1}, n_estimators=40)
    gbm.fit(dev.features, dev.y_true)
    gbm_dev = PeriodData(dev.label, dev.y_true, gbm.predict_pd(dev.features), features=dev.features)
    gbm_oot = PeriodData(oot.label, oot.y_true, gbm.predict_pd(oot.features), features=oot.features)
    report = build_comparison_report(
        {"scorecard": (dev, oot), "lightgbm": (gbm_dev, gbm_oot)}, n_bootstrap=100
    )
    md = report.to_markdown()
    comparison = md.split(heading("comparison"))[1].split("## 模型 / Model")[0]
    assert "scorecard · 开发 / development" in comparison and "lightgbm · 跨期 / out-of-time" in comparison
    assert "## 模型 / Model: scorecard" in md and "## 模型 / Model: lightgbm" in md
    assert any(f.name.startswith("roc_compare") for f in report.figures)
    assert "<table>" in report.to_html()


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="pd has 2 values"):
        PeriodData("x", [0, 1, 0], [0.1, 0.2])


def test_fitted_scorecard_and_challenger_compared_in_one_call() -> None:
    import firmscore.model.scorecard as scorecard_module
    from firmscore.model.calibration import LogisticCalibrator
    from firmscore.model.report import compare_fitted_models

    dev, oot = _period("d", 3000, 0.0, 5), _period("o", 2000, 0.3, 6)
    assert dev.features is not None and oot.features is not None
    y_dev, y_oot = np.asarray(dev.y_true), np.asarray(oot.y_true)
    card = scorecard_module.Scorecard().fit(dev.features, y_dev)
    calibrator = LogisticCalibrator(long_run_default_rate=0.05).fit(card.points(dev.features), y_dev)
    gbm = LGBMChallenger(monotone={"debt_ratio": 1, "firm_age": -1}, n_estimators=40).fit(dev.features, y_dev)
    report = compare_fitted_models(
        {"scorecard": card, "lightgbm": gbm}, dev.features, y_dev, X_oot=oot.features, y_oot=y_oot,
        calibrators={"scorecard": calibrator}, n_bootstrap=50,
    )
    scorecard_dev = report.models[0].development
    assert scorecard_dev.ranking_is_score and not report.models[1].development.ranking_is_score
    assert scorecard_dev.mean_pd == pytest.approx(0.05, abs=1e-6)
    assert 1000 <= scorecard_dev.discrimination.ks_cutoff <= 2000
    assert "分 / points" in report.to_markdown()
