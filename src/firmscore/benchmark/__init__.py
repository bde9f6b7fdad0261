"""Model quality on the real datasets: firmscore's scorecard and challenger against optbinning and LightGBM."""
