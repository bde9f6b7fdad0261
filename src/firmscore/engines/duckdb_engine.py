"""DuckDB runtime: in-process, out of core, bounded memory."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from firmscore.engines.base import Engine
from firmscore.store.home import DataHome


class DuckDBEngine(Engine):
    """Run feature SQL on a data home's canonical views with DuckDB.

    Parameters
    ----------
    home : DataHome or None
        The data home whose ``enterprise``, ``event``, ... views the SQL reads.
    memory_limit : str, optional
        DuckDB memory limit (``"4GB"``). Operators that exceed it spill to ``temp_dir``, which is
        what lets a 1M-enterprise universe run on a small machine.
    threads : int, optional
        Worker threads (default: DuckDB's choice, all cores).
    temp_dir : Path, optional
        Spill directory (default ``<home>/.duckdb_tmp``).
    """

    dialect = "duckdb"

    def __init__(
        self,
        home: DataHome | None,
        memory_limit: str | None = None,
        threads: int | None = None,
        temp_dir: Path | None = None,
    ) -> None:
        self.home = home
        self.memory_limit = memory_limit
        self.threads = threads
        self.temp_dir = temp_dir
        self._con: duckdb.DuckDBPyConnection | None = None

    @classmethod
    def from_connection(cls, con: duckdb.DuckDBPyConnection, home: DataHome | None = None) -> DuckDBEngine:
        """Wrap an existing connection that already has the canonical views (e.g. ``DataHome.connect()``)."""
        engine = cls(home)
        engine._con = con
        con.execute("SET TimeZone = 'UTC'")
        return engine

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The connection, opened on first use with the configured limits and views."""
        if self._con is None:
            if self.home is None:
                raise ValueError("DuckDBEngine needs a data home or an open connection")
            con = self.home.connect(memory_limit=self.memory_limit, threads=self.threads)
            if self.temp_dir is not None:
                Path(self.temp_dir).mkdir(parents=True, exist_ok=True)
                con.execute(f"SET temp_directory = '{Path(self.temp_dir).resolve()}'")
            # Point-in-time cut-offs are UTC instants; the session zone must not shift them.
            con.execute("SET TimeZone = 'UTC'")
            con.execute("SET preserve_insertion_order = false")
            self._con = con
        return self._con

    def _drop(self, name: str) -> None:
        # views and tables share one namespace: a name may switch kind between runs on one connection
        kinds = self.con.execute(
            "SELECT table_type FROM information_schema.tables WHERE table_name = ? AND table_schema = 'main' "
            "AND table_catalog = 'temp'", [name]).fetchall()
        for (kind,) in kinds:
            self.con.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} IF EXISTS temp.main.{name}")

    def create_view(self, name: str, select_sql: str) -> None:
        self._drop(name)
        self.con.execute(f"CREATE TEMP VIEW {name} AS {select_sql}")

    def materialize(self, name: str, select_sql: str) -> None:
        self._drop(name)
        self.con.execute(f"CREATE TEMP TABLE {name} AS {select_sql}")

    def execute(self, sql: str) -> None:
        self.con.execute(sql)

    def query(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


@contextmanager
def open_engine(
    source: DataHome | duckdb.DuckDBPyConnection | Engine,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> Iterator[Engine]:
    """The engine for a data home, an open connection or an engine; closed on exit only if opened here.

    One ownership rule for every entry point that accepts any of the three: a caller's connection
    or engine stays open for the caller, a data home's engine is the callee's to close.
    """
    if isinstance(source, DataHome):
        engine = DuckDBEngine(source, memory_limit, threads)
        try:
            yield engine
        finally:
            engine.close()
    elif isinstance(source, duckdb.DuckDBPyConnection):
        yield DuckDBEngine.from_connection(source)
    else:
        yield source
