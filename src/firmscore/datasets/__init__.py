"""Public benchmark datasets read into model matrices (file I/O lives here, not in ``firmscore.model``).

``load_polish`` / ``load_slovak`` return a :class:`PublicDataset` (features, 0/1 bankruptcy flag,
groups, and the rows that could not be read with file, line and field); ``read_arff`` and
``read_slovak_file`` read one file.
"""

from firmscore.datasets.public import (
    PublicDataError,
    PublicDataset,
    load_polish,
    load_slovak,
    read_arff,
    read_slovak_file,
)

__all__ = ["PublicDataError", "PublicDataset", "load_polish", "load_slovak", "read_arff", "read_slovak_file"]
