"""The embedded data home: Parquet datasets per record type plus a DuckDB catalog over them."""

from firmscore.store.home import DataHome

__all__ = ["DataHome"]
