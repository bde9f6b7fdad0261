"""The engine interface every runtime implements.

Why an interface at all: the feature engine only needs three things from a runtime (define a
temporary view, run a query into Arrow, and know its SQL dialect), and keeping it that small is
what lets a Spark session replace DuckDB without touching any feature definition.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import pyarrow as pa


class Engine(ABC):
    """A SQL runtime over the canonical views of one data home.

    Subclasses receive SQL in the DuckDB dialect (the project's single source dialect) and are
    responsible for translating it to their own dialect (see :func:`firmscore.engines.to_dialect`).
    """

    #: sqlglot dialect name of the runtime.
    dialect: str = "duckdb"

    @abstractmethod
    def execute(self, sql: str) -> None:
        """Run a statement that returns nothing (e.g. ``CREATE TEMP VIEW``)."""

    @abstractmethod
    def query(self, sql: str) -> pa.Table:
        """Run a query and return its result as an Arrow table."""

    def create_view(self, name: str, select_sql: str) -> None:
        """(Re)define a temporary view: how the point-in-time snapshot layer is installed."""
        self.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {select_sql}")

    def materialize(self, name: str, select_sql: str) -> None:
        """Compute a (small) derived relation once and keep it for the following queries.

        Engines without temporary tables may fall back to a view (the default); Spark would
        ``CACHE TABLE``. Used for helpers that many block queries read (``pit_base``, ...).
        """
        self.create_view(name, select_sql)

    def close(self) -> None:  # noqa: B027 - optional hook, default does nothing
        """Release the runtime's resources."""
