"""Optimal binning: rules, the IV-maximising dynamic programme, estimators and tables."""

from firmscore.model.binning.dp import Partition, optimal_partition
from firmscore.model.binning.fitted import FittedBinning
from firmscore.model.binning.optimal import OptimalBinning
from firmscore.model.binning.process import BinningProcess, detect_categorical
from firmscore.model.binning.rules import BinRule
from firmscore.model.binning.woe import woe_iv

__all__ = [
    "BinRule",
    "BinningProcess",
    "FittedBinning",
    "OptimalBinning",
    "Partition",
    "detect_categorical",
    "optimal_partition",
    "woe_iv",
]
