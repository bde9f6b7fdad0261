"""Synthetic SME universe: realistic Chinese small firms in the canonical model, with ground truth.

See ``docs/synthetic-data.md`` for the generative model and :func:`generate` for the entry point.
"""

from firmscore.synth.generate import SynthSummary, generate
from firmscore.synth.schema import output_schema, truth_schema

__all__ = ["SynthSummary", "generate", "output_schema", "truth_schema"]
