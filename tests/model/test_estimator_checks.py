"""scikit-learn's estimator checks over every estimator of ``firmscore.model``.

Every other check must pass; the deliberate departures are listed explicitly below, per estimator,
each with the reason (``parametrize_with_checks`` fails on an unlisted failure and warns when a
listed check starts passing). The departures come from four design decisions of the credit
contract, not from accidents:

* **named raw features**: :class:`Scorecard` and :class:`BinningProcess` take a pandas DataFrame
  (the card, its reasons and its SQL export are keyed by feature name; special codes and
  categories stay raw), so the checks' plain arrays are refused with a ``TypeError``;
* **one feature**: :class:`OptimalBinning` bins one 1-D column, so 2-D inputs are refused;
* **a 0/1 default flag**: the binning, the WOE selectors and the scorecard need a binary target
  coded 0/1 (1 = default); the checks' multi-class and float targets are refused by name;
* **a file, not data**: :class:`ExpertScorecard` ``fit`` loads its YAML card and ignores ``X``/``y``.

``ContagionModel`` (``firmscore.graph``) is not a scikit-learn estimator (it fits on a graph) and
is not listed; the two calibrators are one-dimensional (score → PD) like ``IsotonicRegression``
and declare it in their tags.
"""

from __future__ import annotations

from typing import Any

from sklearn.utils.estimator_checks import parametrize_with_checks

from firmscore.model import (
    BinningProcess,
    CorrelationSelector,
    ExpertScorecard,
    IVSelector,
    OptimalBinning,
    Scorecard,
    SignConstrainedLogisticRegression,
    StepwiseSelector,
    VIFSelector,
)
from firmscore.model.calibration import IsotonicCalibrator, LogisticCalibrator
from firmscore.model.challenger import LGBMChallenger

DATAFRAME = "takes a DataFrame of named raw features (card keyed by feature name); arrays are refused"
ONE_FEATURE = "bins one 1-D feature; 2-D or several columns are refused"
TARGET_01 = "needs a binary 0/1 default flag (1 = default); the check's target is refused"
FILE_CARD = "fit loads the YAML expert card and ignores X and y"

#: Checks whose failure all such estimators share (the input contract decides them).
_INPUT_CHECKS = (
    "check_complex_data", "check_dict_unchanged", "check_dont_overwrite_parameters", "check_dtype_object",
    "check_estimator_sparse_array", "check_estimator_sparse_matrix", "check_estimator_sparse_tag",
    "check_estimators_dtypes", "check_estimators_empty_data_messages", "check_estimators_fit_returns_self",
    "check_estimators_nan_inf", "check_estimators_overwrite_params", "check_estimators_pickle",
    "check_estimators_pickle(readonly_memmap=True)", "check_f_contiguous_array_estimator", "check_fit1d",
    "check_fit2d_1feature", "check_fit2d_1sample", "check_fit2d_predict1d", "check_fit_check_is_fitted",
    "check_fit_idempotent", "check_fit_score_takes_y", "check_methods_sample_order_invariance",
    "check_methods_subset_invariance", "check_n_features_in", "check_n_features_in_after_fitting",
    "check_pipeline_consistency", "check_positive_only_tag_during_fit", "check_readonly_memmap_input",
)
_TRANSFORMER_CHECKS = (
    "check_transformer_data_not_an_array", "check_transformer_general",
    "check_transformer_general(readonly_memmap=True)", "check_transformer_preserve_dtypes",
)
_CLASSIFIER_CHECKS = (
    "check_classifier_data_not_an_array", "check_classifier_not_supporting_multiclass", "check_classifiers_classes",
    "check_classifiers_one_label", "check_classifiers_regression_target", "check_classifiers_train",
    "check_classifiers_train(readonly_memmap=True)", "check_classifiers_train(readonly_memmap=True,X_dtype=float32)",
    "check_decision_proba_consistency", "check_requires_y_none", "check_supervised_y_2d",
    "check_supervised_y_no_nan",
)
#: The WOE selectors take any 2-D float array but need the 0/1 flag: these checks pass other targets.
_SELECTOR_CHECKS = (
    "check_dict_unchanged", "check_dont_overwrite_parameters", "check_dtype_object", "check_estimators_dtypes",
    "check_estimators_fit_returns_self", "check_estimators_overwrite_params", "check_f_contiguous_array_estimator",
    "check_fit2d_1feature", "check_fit2d_1sample", "check_fit2d_predict1d", "check_fit_score_takes_y",
    "check_methods_sample_order_invariance", "check_methods_subset_invariance", "check_n_features_in_after_fitting",
    "check_positive_only_tag_during_fit", "check_readonly_memmap_input",
)

DEPARTURES: dict[str, dict[str, str]] = {
    "Scorecard": {c: DATAFRAME for c in (*_INPUT_CHECKS, *_CLASSIFIER_CHECKS) if c != "check_estimators_nan_inf"},
    "BinningProcess": {c: DATAFRAME for c in (*_INPUT_CHECKS, *_TRANSFORMER_CHECKS)},
    "OptimalBinning": {c: ONE_FEATURE for c in (*_INPUT_CHECKS, *_TRANSFORMER_CHECKS)
                       if c not in ("check_estimator_sparse_tag", "check_fit1d")},
    "IVSelector": dict.fromkeys(_SELECTOR_CHECKS, TARGET_01),
    "CorrelationSelector": dict.fromkeys(_SELECTOR_CHECKS, TARGET_01),
    "StepwiseSelector": dict.fromkeys(_SELECTOR_CHECKS, TARGET_01),
    "ExpertScorecard": {c: FILE_CARD for c in (
        "check_complex_data", "check_dtype_object", "check_estimator_sparse_tag",
        "check_estimators_empty_data_messages", "check_estimators_nan_inf", "check_fit1d", "check_n_features_in",
        "check_n_features_in_after_fitting")},
    "SignConstrainedLogisticRegression": {
        "check_fit2d_1sample": "a one-sample fit fails on 'exactly two classes', not sklearn's wording",
        "check_non_transformer_estimators_n_iter": "the bounded L-BFGS-B/Newton solver does not report n_iter_",
    },
}

ESTIMATORS: list[Any] = [
    Scorecard(),
    ExpertScorecard(),
    LGBMChallenger(n_estimators=10),
    SignConstrainedLogisticRegression(),
    LogisticCalibrator(),
    IsotonicCalibrator(),
    OptimalBinning(),
    BinningProcess(),
    IVSelector(),
    CorrelationSelector(),
    VIFSelector(),
    StepwiseSelector(),
]


def expected_failed_checks(estimator: Any) -> dict[str, str]:
    return DEPARTURES.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_conventions(estimator: Any, check: Any) -> None:
    check(estimator)
