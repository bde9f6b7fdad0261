"""The point-in-time inputs every fraud detector reads, loaded once per as-of date.

The same rules as the graph and the feature engine (``firmscore.graph.snapshot``: observed by the
end of D, not legally expired, not retracted; relations valid on D) decide what a detector may see:
nothing observed after D can raise or clear a flag of D. Everything is fetched with a handful of
DuckDB queries into numpy/pandas columns indexed by firm (``0 .. n-1``, sorted by ``enterprise_id``);
no detector touches the data home itself, so each can be tested on hand-made inputs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from firmscore.engines.point_in_time import as_of_literal
from firmscore.graph.build import normalised_contact_sql
from firmscore.graph.snapshot import create_snapshot_views

#: Days of invoice, tax and headcount history the detectors look back over.
LOOKBACK_DAYS = 365
#: The "recent" window of the bust-out and activity signals.
RECENT_DAYS = 90
#: Monthly buckets of sales history (bucket 0 = the 30 days up to D).
MONTHS = 12

EXITED_STATUSES = ("revoked", "cancelled")
EPOCH = dt.date(1970, 1, 1)


def day_number(d: dt.date) -> int:
    """Days since 1970-01-01."""
    return (d - EPOCH).days


@dataclass
class FraudInputs:
    """Everything the detectors read about the firms known on ``as_of``.

    Attributes
    ----------
    as_of : date
    firms : DataFrame, one row per firm (row position = firm index)
        ``enterprise_id``, ``record_id`` (the enterprise record), ``legal_rep_id``, ``est_day`` (days since
        1970, -1 unknown), ``industry``, ``city`` (first 4 digits of the region), ``status``, ``exit_day``
        (-1 when in business), ``active``, ``employees`` (insured headcount, NaN unknown), ``addr_key``,
        ``phone_key`` (normalised, None when absent).
    activity : DataFrame aligned with ``firms``
        ``tax_recent``, ``tax_prior`` (sums over the last :data:`RECENT_DAYS` and the rest of the
        lookback), ``tax_records`` (list of record ids, recent), ``head_now``, ``head_before`` (latest
        social-insurance headcount by D and by D − 180), ``sales_12m``, ``invoices_12m`` (rows sold or
        bought), ``buyers_recent``, ``buyers_prior``, ``new_buyers_recent`` (recent buyers never
        invoiced in the prior window).
    monthly_sales : float64 array (n, MONTHS)
    invoices : DataFrame
        ``seller``, ``buyer`` (node indexes: firms ``0..n-1``, then counterparties that are not firms),
        ``day``, ``amount``, ``record_id``: valid positive invoices of the lookback, one row per invoice
        (a buyer's mirror row is dropped when the seller's own row with the same day and amount exists;
        equal invoices of one seller are all kept: real invoices repeat at face-value limits).
    party_ids : list of str
        Ids of the invoice nodes ``n ..`` (counterparties without an enterprise record).
    negatives : DataFrame
        ``firm``, ``event_type`` (enforcement / dishonest_listing), ``day``, ``record_id``.
    guarantees : DataFrame
        ``src``, ``dst`` (firm indexes), ``amount``, ``record_id``: guarantee relations valid on D.
    roles : DataFrame
        ``person_id``, ``firm``, ``role`` (legal_representative / officer / shareholding), ``record_id``.
    """

    as_of: dt.date
    firms: pd.DataFrame
    activity: pd.DataFrame
    monthly_sales: np.ndarray
    invoices: pd.DataFrame
    party_ids: list[str]
    negatives: pd.DataFrame
    guarantees: pd.DataFrame
    roles: pd.DataFrame

    @property
    def n(self) -> int:
        return len(self.firms)

    @property
    def as_of_day(self) -> int:
        return day_number(self.as_of)

    def ids(self, idx: np.ndarray) -> np.ndarray:
        """Enterprise ids of firm indexes (object array)."""
        return self.firms["enterprise_id"].to_numpy(dtype=object)[np.asarray(idx, dtype=np.int64)]

    def node_id(self, node: int) -> str:
        """Id of an invoice node (a firm or a counterparty without an enterprise record)."""
        return str(self.firms["enterprise_id"].iat[node]) if node < self.n else self.party_ids[node - self.n]


def _days(col: str) -> str:
    return f"coalesce(datediff('day', DATE '1970-01-01', {col}), -1)::INTEGER"


def _firms(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pd.DataFrame:
    d = as_of_literal(as_of)
    addr, phone = normalised_contact_sql("address"), normalised_contact_sql("phone")
    exited = ", ".join(f"'{s}'" for s in EXITED_STATUSES)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE f_firms AS
        SELECT CAST(row_number() OVER (ORDER BY enterprise_id) - 1 AS INTEGER) AS idx, enterprise_id, record_id,
               legal_rep_id, {_days("established_date")} AS est_day, industry,
               substr(coalesce(region, ''), 1, 4) AS city, status,
               CASE WHEN status IN ({exited}) OR (effective_to IS NOT NULL AND effective_to <= {d})
                    THEN greatest({_days("effective_to")}, 0) ELSE -1 END AS exit_day,
               CAST(insured_employees AS DOUBLE) AS employees, {addr} AS addr_key, {phone} AS phone_key
        FROM g_enterprise"""
    )
    firms = con.sql("SELECT * FROM f_firms ORDER BY idx").df()
    firms["active"] = firms["exit_day"].to_numpy() < 0
    return firms.drop(columns=["idx"])


def _events(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """``f_ev``: the event rows any detector reads, from one scan of the point-in-time view."""
    d = as_of_literal(as_of)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE f_ev AS
        SELECT event_type, subject_id, counterparty_id, {_days("event_date")} AS day, CAST(amount AS DOUBLE) AS amount,
               CAST(value AS DOUBLE) AS value, code, record_id
        FROM g_event
        WHERE subject_type = 'enterprise' AND event_date <= {d} AND (
            (event_type IN ('invoice_out', 'invoice_in', 'tax_payment')
             AND event_date > {d} - INTERVAL {LOOKBACK_DAYS} DAY)
            OR event_type IN ('social_insurance', 'enforcement', 'dishonest_listing'))"""
    )


def _invoices(con: duckdb.DuckDBPyConnection, n: int) -> tuple[pd.DataFrame, list[str]]:
    # the seller's own row, and a buyer's mirror row only where the seller's row is missing (anti-join)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE f_inv AS
        WITH v AS (
            SELECT * FROM f_ev WHERE event_type IN ('invoice_out', 'invoice_in') AND counterparty_id IS NOT NULL
              AND coalesce(code, 'valid') <> 'voided' AND amount > 0 AND subject_id <> counterparty_id
        ), o AS (
            SELECT subject_id AS seller_id, counterparty_id AS buyer_id, day, amount, record_id FROM v
            WHERE event_type = 'invoice_out'
        ), i AS (
            SELECT counterparty_id AS seller_id, subject_id AS buyer_id, day, amount, record_id FROM v
            WHERE event_type = 'invoice_in'
        )
        SELECT * FROM o
        UNION ALL
        SELECT * FROM i ANTI JOIN o USING (seller_id, buyer_id, day, amount)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE f_nodes AS
        SELECT enterprise_id AS id, idx FROM f_firms
        UNION ALL
        SELECT id, CAST({n} + row_number() OVER (ORDER BY id) - 1 AS INTEGER) AS idx FROM (
            SELECT seller_id AS id FROM f_inv UNION SELECT buyer_id FROM f_inv
        ) WHERE id NOT IN (SELECT enterprise_id FROM f_firms)"""
    )
    inv = con.sql(
        """SELECT s.idx AS seller, b.idx AS buyer, i.day, i.amount, i.record_id
        FROM f_inv i JOIN f_nodes s ON s.id = i.seller_id JOIN f_nodes b ON b.id = i.buyer_id
        ORDER BY seller, buyer, day, record_id"""
    ).df()
    parties = con.sql(f"SELECT id FROM f_nodes WHERE idx >= {n} ORDER BY idx").df()["id"].tolist()
    return inv, parties


def _activity(con: duckdb.DuckDBPyConnection, as_of: dt.date, n: int) -> pd.DataFrame:
    day = day_number(as_of)
    recent = day - RECENT_DAYS
    tax = con.sql(
        f"""SELECT f.idx AS firm,
               sum(CASE WHEN e.day > {recent} THEN e.amount ELSE 0 END) AS tax_recent,
               sum(CASE WHEN e.day <= {recent} THEN e.amount ELSE 0 END) AS tax_prior,
               list(CASE WHEN e.day > {recent} THEN e.record_id END ORDER BY e.record_id) AS tax_records
        FROM f_ev e JOIN f_firms f ON f.enterprise_id = e.subject_id
        WHERE e.event_type = 'tax_payment'
        GROUP BY f.idx"""
    ).df()
    head = con.sql(
        f"""SELECT f.idx AS firm,
               arg_max(e.value, e.day) AS head_now,
               arg_max(e.value, e.day) FILTER (WHERE e.day <= {day - 180}) AS head_before
        FROM f_ev e JOIN f_firms f ON f.enterprise_id = e.subject_id
        WHERE e.event_type = 'social_insurance'
        GROUP BY f.idx"""
    ).df()
    n_days = day_number(as_of)
    trade = con.sql(
        f"""WITH s AS (SELECT seller, buyer, day, amount FROM f_inv_idx)
        SELECT seller AS firm, sum(amount) AS sales_12m,
               count(DISTINCT buyer) FILTER (WHERE day > {n_days - RECENT_DAYS}) AS buyers_recent,
               count(DISTINCT buyer) FILTER (WHERE day <= {n_days - RECENT_DAYS}) AS buyers_prior
        FROM s WHERE seller < {n} GROUP BY seller"""
    ).df()
    new_buyers = con.sql(
        f"""SELECT seller AS firm, count(DISTINCT buyer) AS new_buyers_recent FROM f_inv_idx r
        WHERE seller < {n} AND day > {n_days - RECENT_DAYS} AND NOT EXISTS (
            SELECT 1 FROM f_inv_idx p WHERE p.seller = r.seller AND p.buyer = r.buyer
              AND p.day <= {n_days - RECENT_DAYS})
        GROUP BY seller"""
    ).df()
    rows = con.sql(
        f"""SELECT firm, count(*) AS invoices_12m FROM (
            SELECT seller AS firm FROM f_inv_idx WHERE seller < {n}
            UNION ALL SELECT buyer FROM f_inv_idx WHERE buyer < {n}) GROUP BY firm"""
    ).df()
    out = pd.DataFrame(index=pd.RangeIndex(n))
    for frame in (tax, head, trade, new_buyers, rows):
        out = out.join(frame.set_index("firm"), how="left")
    for col in ("tax_recent", "tax_prior", "sales_12m", "buyers_recent", "buyers_prior", "new_buyers_recent",
                "invoices_12m"):
        out[col] = out[col].astype("float64").fillna(0.0)
    out["tax_records"] = [x if isinstance(x, list) else [] for x in out["tax_records"]]
    out["tax_records"] = [[r for r in x if r is not None] for x in out["tax_records"]]
    for col in ("head_now", "head_before"):
        out[col] = out[col].astype("float64")
    return out


def _monthly_sales(inv: pd.DataFrame, n: int, as_of_day: int) -> np.ndarray:
    out = np.zeros((n, MONTHS))
    s = inv[inv["seller"] < n]
    bucket = np.minimum((as_of_day - s["day"].to_numpy()) // 30, MONTHS - 1)
    np.add.at(out, (s["seller"].to_numpy(), bucket), s["amount"].to_numpy())
    return out


def load_inputs(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> FraudInputs:
    """Fetch the detectors' inputs from a data-home connection as of ``as_of``."""
    create_snapshot_views(con, as_of)
    firms = _firms(con, as_of)
    n = len(firms)
    _events(con, as_of)
    inv, parties = _invoices(con, n)
    con.register("f_inv_df", inv)
    con.execute("CREATE OR REPLACE TEMP TABLE f_inv_idx AS SELECT seller, buyer, day, amount FROM f_inv_df")
    con.unregister("f_inv_df")
    activity = _activity(con, as_of, n)
    negatives = con.sql(
        """SELECT f.idx AS firm, e.event_type, e.day, e.record_id
        FROM f_ev e JOIN f_firms f ON f.enterprise_id = e.subject_id
        WHERE e.event_type IN ('enforcement', 'dishonest_listing')
        ORDER BY firm, day, e.record_id"""
    ).df()
    guarantees = con.sql(
        """SELECT s.idx AS src, t.idx AS dst, CAST(r.amount AS DOUBLE) AS amount, r.record_id
        FROM g_relation r JOIN f_firms s ON s.enterprise_id = r.src_id JOIN f_firms t ON t.enterprise_id = r.dst_id
        WHERE r.relation_type = 'guarantee' AND r.src_type = 'enterprise' AND r.dst_type = 'enterprise'
          AND s.idx <> t.idx
        ORDER BY src, dst, r.record_id"""
    ).df()
    roles = con.sql(
        """SELECT * FROM (
            SELECT legal_rep_id AS person_id, idx AS firm, 'legal_representative' AS role, record_id
            FROM f_firms WHERE legal_rep_id IS NOT NULL
            UNION ALL
            SELECT r.src_id, f.idx, r.relation_type, r.record_id FROM g_relation r
            JOIN f_firms f ON f.enterprise_id = r.dst_id
            WHERE r.src_type = 'person' AND r.relation_type IN ('legal_representative', 'officer', 'shareholding')
        ) ORDER BY person_id, firm, role, record_id"""
    ).df()
    return FraudInputs(as_of=as_of, firms=firms, activity=activity,
                       monthly_sales=_monthly_sales(inv, n, day_number(as_of)), invoices=inv, party_ids=parties,
                       negatives=negatives, guarantees=guarantees, roles=roles)
