"""The relationship graph: enterprises and persons as nodes, one sparse matrix per edge type.

Node indexes are ``int32``: enterprises take ``0 .. n_enterprises - 1`` (sorted by id), persons
``n_enterprises .. n_nodes - 1``. Every edge type ends on an enterprise, so each type is a CSR
matrix whose columns are enterprises and whose rows are the possible sources of that type
(enterprises, persons, or all nodes; see :data:`firmscore.graph.types.SOURCE_KIND`). The graph
is built as of one day: only relations valid and observed on that day are in it, which is what
makes point-in-time features and contagion trustworthy. Everything moves as Arrow/numpy arrays;
no Python loop touches individual edges.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from firmscore.engines.exact import exact_sums
from firmscore.engines.point_in_time import as_of_literal
from firmscore.graph.snapshot import create_snapshot_views, fetch, scalar_int
from firmscore.graph.types import (
    DEFAULT_UNKNOWN_SHARE,
    SOURCE_KIND,
    UNDIRECTED,
    EdgeType,
    SourceKind,
    data_dtype,
)

#: Firms sharing one address or phone are linked pairwise up to this group size; larger groups
#: (registered-agent addresses, switchboards) are linked as a star to their first firm, which keeps
#: the group connected without a quadratic number of edges.
MAX_CLIQUE = 30

#: Invoice flows are aggregated over this many days before the as-of date.
TRADE_WINDOW_DAYS = 365

Progress = Callable[[str], None]


def csr_from_edges(
    rows: np.ndarray, cols: np.ndarray, data: np.ndarray, shape: tuple[int, int], dtype: np.dtype
) -> sp.csr_array:
    """A CSR matrix with ``int32`` indexes from COO arrays, duplicates summed (or OR-ed).

    scipy's COO → CSR conversion is a linear-time counting sort in C++; we only make sure every
    index array stays ``int32`` so that an edge costs 4 bytes of index plus its data.
    """
    if max(shape) >= np.iinfo(np.int32).max or rows.size >= np.iinfo(np.int32).max:
        raise ValueError(f"graph too large for int32 indexes: shape {shape}, {rows.size} edges")
    coo = sp.coo_array(
        (data.astype(dtype, copy=False), (rows.astype(np.int32, copy=False), cols.astype(np.int32, copy=False))),
        shape=shape,
    )
    mat = coo.tocsr()
    del coo
    mat.sum_duplicates()
    mat.indices = mat.indices.astype(np.int32, copy=False)
    mat.indptr = mat.indptr.astype(np.int32, copy=False)
    return mat


@dataclass
class EdgeSet:
    """All edges of one type: a CSR matrix (sources × enterprises) and its row offset.

    Attributes
    ----------
    edge_type : EdgeType
    matrix : scipy.sparse.csr_array
        ``matrix[r, e]`` is the weight of the edge from node ``r + row_offset`` to enterprise ``e``
        (``True`` for unweighted types).
    row_offset : int
        Node index of row 0 (``n_enterprises`` for person-sourced types, else 0).
    """

    edge_type: EdgeType
    matrix: sp.csr_array
    row_offset: int

    @property
    def n_edges(self) -> int:
        return int(self.matrix.nnz)

    @property
    def nbytes(self) -> int:
        m = self.matrix
        return int(m.data.nbytes + m.indices.nbytes + m.indptr.nbytes)

    def weights(self) -> sp.csr_array:
        """The matrix with ``float64`` data (weights, or 1 for unweighted types)."""
        m = self.matrix
        return sp.csr_array((m.data.astype(np.float64), m.indices, m.indptr), shape=m.shape)

    def src_nodes(self) -> np.ndarray:
        """Source node index of every stored edge (in storage order), ``int32``."""
        counts = np.diff(self.matrix.indptr)
        rows = np.repeat(np.arange(self.matrix.shape[0], dtype=np.int32), counts)
        return rows + np.int32(self.row_offset)


@dataclass
class RelationGraph:
    """The typed enterprise–person graph as of one day.

    Attributes
    ----------
    n_enterprises, n_persons : int
    edges : dict of EdgeType → EdgeSet
    enterprise_ids, person_ids : pyarrow.Array of str
        Ids in node-index order (persons offset by ``n_enterprises``).
    enterprises : pyarrow.Table
        One row per enterprise index: ``registered_capital``, ``established_date``, ``status``,
        ``legal_rep_idx`` (node index or -1), ``address_group`` and ``phone_group`` (-1 if none).
    as_of : datetime.date or None
    """

    n_enterprises: int
    n_persons: int
    edges: dict[EdgeType, EdgeSet]
    enterprise_ids: pa.Array
    person_ids: pa.Array
    enterprises: pa.Table
    as_of: dt.date | None = None

    @property
    def n_nodes(self) -> int:
        return self.n_enterprises + self.n_persons

    @property
    def n_edges(self) -> int:
        return sum(e.n_edges for e in self.edges.values())

    @property
    def nbytes(self) -> int:
        """Bytes held by the CSR arrays of all edge types."""
        return sum(e.nbytes for e in self.edges.values())

    def edge_set(self, edge_type: EdgeType) -> EdgeSet:
        """The edges of ``edge_type`` (an empty set when the graph has none)."""
        found = self.edges.get(edge_type)
        if found is None:  # not stored: an empty type would cost a full row-pointer array
            return _empty_edge_set(edge_type, self.n_enterprises, self.n_persons)
        return found

    def node_id(self, idx: int) -> str:
        """Id of node ``idx`` (enterprise or person)."""
        if idx < self.n_enterprises:
            return str(self.enterprise_ids[idx].as_py())
        return str(self.person_ids[idx - self.n_enterprises].as_py())

    def index_of(self, ids: pa.Array | list[str]) -> np.ndarray:
        """Enterprise node indexes of ``ids`` (-1 where unknown), vectorised with Arrow."""
        found = pc.index_in(pa.array(ids, type=pa.string()), value_set=self.enterprise_ids)
        return np.asarray(found.fill_null(-1), dtype=np.int64).astype(np.int32)


def pad_rows(indptr: np.ndarray, offset: int, n_rows: int) -> np.ndarray:
    """``indptr`` of a block of rows starting at ``offset``, extended to ``n_rows`` rows (empty elsewhere)."""
    nnz = indptr[-1]
    tail = n_rows - offset - (indptr.size - 1)
    return np.concatenate([np.zeros(offset, dtype=np.int32), indptr.astype(np.int32, copy=False),
                           np.full(tail, nnz, dtype=np.int32)])


def merge_rows(
    blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]], n_rows: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge CSR blocks (full-height ``indptr``, column indexes, values) row by row, keeping parallel entries.

    Uses scipy's linear-time CSR ``hstack`` (blocks side by side) and maps the stacked column
    back to the original one, so no sort is needed and nothing is summed.
    """
    if not blocks:
        return np.zeros(n_rows + 1, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
    if len(blocks) == 1:
        return blocks[0]
    mats = [sp.csr_array((val, idx, ip), shape=(n_rows, n_rows)) for ip, idx, val in blocks]
    stacked = sp.hstack(mats, format="csr")
    del mats
    gather = stacked.indices % np.int32(n_rows) if n_rows else stacked.indices
    return stacked.indptr.astype(np.int32), gather.astype(np.int32), stacked.data


def union_adjacency(graph: RelationGraph, types: list[EdgeType] | None = None) -> sp.csr_array:
    """``n_nodes × n_nodes`` float64 adjacency of the given types (all by default), parallel edges kept.

    Built by merging the per-type CSR rows (no sort, no summing) for whole-graph traversals such as
    connected components, which only care whether an edge exists.
    """
    n = graph.n_nodes
    blocks = []
    for t in types if types is not None else list(EdgeType):
        es = graph.edge_set(t)
        if es.n_edges:
            m = es.matrix
            blocks.append((pad_rows(m.indptr, es.row_offset, n), m.indices, np.ones(m.nnz, dtype=np.uint8)))
    indptr, indices, _ = merge_rows(blocks, n)
    return sp.csr_array((np.ones(indices.size), indices, indptr), shape=(n, n))


def _n_rows(kind: SourceKind, n_enterprises: int, n_persons: int) -> tuple[int, int]:
    """(number of rows, row offset) of a matrix whose sources are ``kind``."""
    if kind is SourceKind.ENTERPRISE:
        return n_enterprises, 0
    if kind is SourceKind.PERSON:
        return n_persons, n_enterprises
    return n_enterprises + n_persons, 0


def _empty_edge_set(edge_type: EdgeType, n_enterprises: int, n_persons: int) -> EdgeSet:
    n_rows, offset = _n_rows(SOURCE_KIND[edge_type], n_enterprises, n_persons)
    empty = np.zeros(0, dtype=np.int32)
    mat = csr_from_edges(empty, empty, np.zeros(0), (n_rows, n_enterprises), data_dtype(edge_type))
    return EdgeSet(edge_type, mat, offset)


def edge_set_from_arrays(
    edge_type: EdgeType,
    src: np.ndarray,
    dst: np.ndarray,
    weight: np.ndarray | None,
    n_enterprises: int,
    n_persons: int,
) -> EdgeSet:
    """Build one type's :class:`EdgeSet` from node-index arrays (``src`` global, ``dst`` enterprise).

    Raises ``ValueError`` when a source is not of the type's source kind or a target is not an
    enterprise, naming the edge type and the first offending position.
    """
    n_rows, offset = _n_rows(SOURCE_KIND[edge_type], n_enterprises, n_persons)
    rows = np.asarray(src, dtype=np.int64) - offset
    dst = np.asarray(dst)
    bad = np.flatnonzero((rows < 0) | (rows >= n_rows) | (dst < 0) | (dst >= n_enterprises))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"{edge_type.value} edge #{i}: src {int(src[i])} / dst {int(dst[i])} outside the node ranges "
            f"(sources of this type: {SOURCE_KIND[edge_type].value}, targets: enterprises 0..{n_enterprises - 1})"
        )
    if edge_type in UNDIRECTED:
        lo, hi = np.minimum(rows, dst), np.maximum(rows, dst)
        rows, dst = lo, hi
    data = np.ones(rows.size, dtype=np.float32) if weight is None else np.asarray(weight, dtype=np.float32)
    mat = csr_from_edges(rows, dst, data, (n_rows, n_enterprises), data_dtype(edge_type))
    return EdgeSet(edge_type, mat, offset)


def graph_from_arrays(
    n_enterprises: int,
    n_persons: int,
    edges: Mapping[EdgeType, tuple[np.ndarray, np.ndarray, np.ndarray | None]],
    enterprise_ids: pa.Array | None = None,
    person_ids: pa.Array | None = None,
    enterprises: pa.Table | None = None,
    as_of: dt.date | None = None,
) -> RelationGraph:
    """A :class:`RelationGraph` from ``{type: (src, dst, weight)}`` node-index arrays.

    Ids default to ``E<i>`` / ``P<i>``; enterprise attributes default to unknown.
    """
    if enterprise_ids is None:
        enterprise_ids = pc.binary_join_element_wise("E", pa.array(np.arange(n_enterprises)).cast(pa.string()), "")
    if person_ids is None:
        person_ids = pc.binary_join_element_wise("P", pa.array(np.arange(n_persons)).cast(pa.string()), "")
    if enterprises is None:
        enterprises = default_enterprise_table(n_enterprises)
    sets = {
        t: edge_set_from_arrays(t, s, d, w, n_enterprises, n_persons)
        for t, (s, d, w) in edges.items()
        if len(s)
    }
    return RelationGraph(n_enterprises, n_persons, sets, enterprise_ids, person_ids, enterprises, as_of)


def default_enterprise_table(n: int) -> pa.Table:
    """Enterprise attributes with everything unknown (for graphs built from bare arrays)."""
    minus = pa.array(np.full(n, -1, dtype=np.int32))
    return pa.table(
        {
            "registered_capital": pa.nulls(n, pa.float64()),
            "established_date": pa.nulls(n, pa.date32()),
            "status": pa.nulls(n, pa.string()),
            "legal_rep_idx": minus,
            "address_group": minus,
            "phone_group": minus,
        }
    )


# --------------------------------------------------------------------------- from the data home


def normalised_contact_sql(col: str) -> str:
    """SQL normalising an address or phone so trivially different spellings match (shared with fraud/)."""
    return f"nullif(lower(regexp_replace(coalesce({col}, ''), '[\\s\\-()（）,，.。#]+', '', 'g')), '')"


def _create_node_tables(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    con.execute(
        """CREATE OR REPLACE TEMP TABLE g_ent_nodes AS
        SELECT id, CAST(row_number() OVER (ORDER BY id) - 1 AS INTEGER) AS idx FROM (
            SELECT enterprise_id AS id FROM g_enterprise
            UNION SELECT src_id FROM g_relation WHERE src_type = 'enterprise'
            UNION SELECT dst_id FROM g_relation WHERE dst_type = 'enterprise'
        ) WHERE id IS NOT NULL"""
    )
    n_e = scalar_int(con, "SELECT count(*) FROM g_ent_nodes")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE g_person_nodes AS
        SELECT id, CAST({n_e} + row_number() OVER (ORDER BY id) - 1 AS INTEGER) AS idx FROM (
            SELECT legal_rep_id AS id FROM g_enterprise
            UNION SELECT src_id FROM g_relation WHERE src_type = 'person'
        ) WHERE id IS NOT NULL"""
    )
    return n_e, scalar_int(con, "SELECT count(*) FROM g_person_nodes")


def _shared_contact_sql(relation_type: str, key: str) -> str:
    """``raw`` rows of an undirected shared-contact edge type: enterprises whose normalised ``key`` matches.

    One template for ``shared_address`` and ``shared_phone`` so both treat large groups the same
    way (pairwise, src < dst, up to :data:`MAX_CLIQUE` firms; a star to the smallest id above it).
    """
    return f"""SELECT * FROM (
                WITH grp AS (
                    SELECT enterprise_id, {key} AS k, count(*) OVER (PARTITION BY {key}) AS n,
                           min(enterprise_id) OVER (PARTITION BY {key}) AS hub
                    FROM g_enterprise WHERE {key} IS NOT NULL
                )
                SELECT '{relation_type}', 'enterprise', a.enterprise_id, b.enterprise_id, NULL, NULL
                FROM grp a JOIN grp b ON a.k = b.k AND a.enterprise_id < b.enterprise_id WHERE a.n <= {MAX_CLIQUE}
                UNION ALL
                SELECT '{relation_type}', 'enterprise', hub, enterprise_id, NULL, NULL
                FROM grp WHERE n > {MAX_CLIQUE} AND enterprise_id <> hub
            )"""


def _create_edge_table(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    d = as_of_literal(as_of)
    addr, phone = normalised_contact_sql("address"), normalised_contact_sql("phone")
    sql = (
        f"""CREATE OR REPLACE TEMP TABLE g_edges AS
        WITH raw AS (
            SELECT relation_type, src_type, src_id, dst_id, share, amount FROM g_relation
            WHERE dst_type = 'enterprise'
            UNION ALL
            SELECT 'legal_representative', 'person', legal_rep_id, enterprise_id, NULL, NULL
            FROM g_enterprise WHERE legal_rep_id IS NOT NULL
            UNION ALL
            SELECT 'trade', 'enterprise', seller, buyer, NULL, max(amt) FROM (
                SELECT CASE WHEN event_type = 'invoice_out' THEN subject_id ELSE counterparty_id END AS seller,
                       CASE WHEN event_type = 'invoice_out' THEN counterparty_id ELSE subject_id END AS buyer,
                       event_type, sum(amount) AS amt
                FROM g_event
                WHERE event_type IN ('invoice_out', 'invoice_in') AND counterparty_id IS NOT NULL
                  AND subject_type = 'enterprise' AND coalesce(code, 'valid') <> 'voided'
                  AND event_date <= {d} AND event_date > {d} - INTERVAL {TRADE_WINDOW_DAYS} DAY
                GROUP BY ALL
            ) GROUP BY seller, buyer HAVING max(amt) > 0
            UNION ALL
            {_shared_contact_sql('shared_address', addr)}
            UNION ALL
            {_shared_contact_sql('shared_phone', phone)}
        )
        SELECT r.relation_type, coalesce(pe.idx, pp.idx) AS src_idx, de.idx AS dst_idx,
               CASE WHEN r.relation_type IN ('shareholding', 'investment')
                        THEN least(greatest(max(coalesce(r.share, {DEFAULT_UNKNOWN_SHARE})), 0.0), 1.0)
                    WHEN r.relation_type IN ('guarantee', 'trade') THEN sum(coalesce(r.amount, 0.0))
                    ELSE 1.0 END AS w
        FROM raw r
        LEFT JOIN g_ent_nodes pe ON r.src_type = 'enterprise' AND r.src_id = pe.id
        LEFT JOIN g_person_nodes pp ON r.src_type = 'person' AND r.src_id = pp.id
        JOIN g_ent_nodes de ON r.dst_id = de.id
        WHERE coalesce(pe.idx, pp.idx) IS NOT NULL AND coalesce(pe.idx, pp.idx) <> de.idx
        GROUP BY r.relation_type, src_idx, dst_idx"""
    )
    con.execute(exact_sums(sql))  # exact sums: the same records give the same weights bit for bit


def _enterprise_table(con: duckdb.DuckDBPyConnection) -> pa.Table:
    addr, phone = normalised_contact_sql("e.address"), normalised_contact_sql("e.phone")
    return fetch(
        con,
        f"""SELECT n.idx, e.registered_capital, e.established_date, e.status,
                   coalesce(p.idx, -1)::INTEGER AS legal_rep_idx,
                   coalesce(dense_rank() OVER (ORDER BY {addr}) - 1, -1)::INTEGER AS address_group,
                   {addr} IS NULL AS no_addr,
                   coalesce(dense_rank() OVER (ORDER BY {phone}) - 1, -1)::INTEGER AS phone_group,
                   {phone} IS NULL AS no_phone
            FROM g_ent_nodes n LEFT JOIN g_enterprise e ON e.enterprise_id = n.id
            LEFT JOIN g_person_nodes p ON p.id = e.legal_rep_id
            ORDER BY n.idx""",
    )


def build_graph(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, progress: Progress | None = None
) -> RelationGraph:
    """Build the graph from the data home's DuckDB views as of ``as_of``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A connection from :meth:`firmscore.store.DataHome.connect` (views ``enterprise``,
        ``relation``, ``event``, ``retraction``).
    as_of : datetime.date
        Only records observed by the end of this day, not expired or retracted, and relations
        valid on it are used.
    progress : callable, optional
        Called with a short step name as the build advances (for a progress bar).
    """
    say = progress or (lambda _step: None)
    create_snapshot_views(con, as_of)
    say("nodes")
    n_e, n_p = _create_node_tables(con)
    say("edges")
    _create_edge_table(con, as_of)
    sets: dict[EdgeType, EdgeSet] = {}
    for t in EdgeType:
        say(t.value)
        # ordered, so that every run lays out the CSR rows identically and sums in the same order
        tbl = fetch(con, "SELECT src_idx, dst_idx, w FROM g_edges WHERE relation_type = ? ORDER BY src_idx, dst_idx",
                    [t.value])
        src = tbl.column("src_idx").to_numpy()
        dst = tbl.column("dst_idx").to_numpy()
        w = tbl.column("w").to_numpy()
        kind = SOURCE_KIND[t]
        keep = np.ones(src.size, dtype=bool)
        if kind is SourceKind.ENTERPRISE:
            keep = src < n_e
        elif kind is SourceKind.PERSON:
            keep = src >= n_e
        if keep.any():
            sets[t] = edge_set_from_arrays(t, src[keep], dst[keep], w[keep], n_e, n_p)
    say("attributes")
    ent = _enterprise_table(con)
    addr_group = np.where(ent.column("no_addr").to_numpy(zero_copy_only=False), -1, ent.column("address_group"))
    phone_group = np.where(ent.column("no_phone").to_numpy(zero_copy_only=False), -1, ent.column("phone_group"))
    enterprises = pa.table(
        {
            "registered_capital": ent.column("registered_capital"),
            "established_date": ent.column("established_date"),
            "status": ent.column("status"),
            "legal_rep_idx": ent.column("legal_rep_idx"),
            "address_group": pa.array(addr_group.astype(np.int32)),
            "phone_group": pa.array(phone_group.astype(np.int32)),
        }
    )
    e_ids = fetch(con, "SELECT id FROM g_ent_nodes ORDER BY idx").column("id").combine_chunks()
    p_ids = fetch(con, "SELECT id FROM g_person_nodes ORDER BY idx").column("id").combine_chunks()
    return RelationGraph(n_e, n_p, sets, e_ids, p_ids, enterprises, as_of)
