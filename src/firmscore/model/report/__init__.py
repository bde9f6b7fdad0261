"""Validation report and model card (Markdown and HTML with embedded plots), for one model or side by side.

Typical use::

    from firmscore.model.report import PeriodData, ModelCard, build_validation_report

    report = build_validation_report(
        PeriodData("开发 / development", y_dev, pd_dev, score=score_dev, features=X_dev),
        out_of_time=PeriodData("跨期 / out-of-time", y_oot, pd_oot, score=score_oot, features=X_oot),
        model_card=ModelCard(name="sme-scorecard", version="2025.1", owners=["risk modelling"]),
    )
    report.write("reports/sme-scorecard")   # report.md, report.html, figures/*.png
"""

from firmscore.model.report.builder import (
    SECTIONS,
    Table,
    ValidationReport,
    build_comparison_report,
    build_validation_report,
    grades_frame,
    heading,
)
from firmscore.model.report.card import ModelCard
from firmscore.model.report.estimators import compare_fitted_models, period_from_model
from firmscore.model.report.evaluation import ModelValidation, PeriodData, PeriodResult, evaluate_model

__all__ = [
    "SECTIONS",
    "ModelCard",
    "ModelValidation",
    "PeriodData",
    "PeriodResult",
    "Table",
    "ValidationReport",
    "build_comparison_report",
    "build_validation_report",
    "compare_fitted_models",
    "evaluate_model",
    "grades_frame",
    "heading",
    "period_from_model",
]
