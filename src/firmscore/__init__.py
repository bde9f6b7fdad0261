"""firmscore: enterprise credit scoring and risk control for small and micro enterprises.

The package is laid out by pipeline stage (see ``docs/architecture.md``): ``datamodel`` is the
contract every stage shares, ``ingest`` turns raw sources into canonical records, ``store`` holds
them in the data home, and later stages (``ledger``, ``features``, ``graph``, ``model``,
``explain``) build on those. The CLI and the service are thin faces over the same calls.
"""

__version__ = "0.1.0"
