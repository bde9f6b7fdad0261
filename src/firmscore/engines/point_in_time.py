"""The point-in-time snapshot layer: what was known, usable and not withdrawn on the as-of date.

Every feature, label and evidence query reads ``pit_*`` views, never the raw record views, so the
three point-in-time rules are written exactly once:

1. **observed by D**: only versions with ``observed_at`` before the end of day D (UTC); per record
   key (``source``, ``source_record_id``) the latest such version wins;
2. **legal expiry**: a record whose ``legal_expiry`` is on or before D is dropped;
3. **retraction**: a record whose ``record_id`` is the target of a ``retraction`` observed by D
   is dropped. The latest version is chosen *before* this filter, so a withdrawn fact does not
   fall back to an older version of itself; a later corrected version is used normally.

Versions are resolved with an anti-join on the (usually tiny) set of keys with a version above 1,
not a window over all records, which keeps a 100M-event snapshot a single streaming scan.
"""

from __future__ import annotations

import datetime as dt

from firmscore.engines.exact import exact_sums

#: Record types that get a ``pit_<name>`` view.
VERSIONED_TABLES: tuple[str, ...] = ("enterprise", "person", "relation", "event", "authorization_grant")


def as_of_literal(as_of: dt.date) -> str:
    """The SQL ``DATE`` literal of the as-of date."""
    return f"DATE '{as_of.isoformat()}'"


def cutoff_literal(as_of: dt.date) -> str:
    """The exclusive observation cut-off: the first instant (UTC) after day D."""
    nxt = as_of + dt.timedelta(days=1)
    return f"CAST('{nxt.isoformat()} 00:00:00+00' AS TIMESTAMPTZ)"


def render(template: str, as_of: dt.date) -> str:
    """Substitute ``{as_of}`` and ``{cutoff}`` in a SQL template, with exact sums (see :mod:`engines.exact`)."""
    return exact_sums(template.replace("{as_of}", as_of_literal(as_of)).replace("{cutoff}", cutoff_literal(as_of)))


def versioned_view(table: str, retracted: str = "pit_retracted") -> str:
    """Template (``{as_of}``/``{cutoff}``) of a table's point-in-time view: latest version observed by D,
    not legally expired, not retracted (``retracted`` names the view of retracted record ids).

    The graph builds its own ``g_`` views from this same template, so both stages apply one rule.
    """
    return f"""
SELECT r.* FROM {table} AS r
LEFT JOIN (
    SELECT source, source_record_id, max(version) AS latest_version
    FROM {table}
    WHERE observed_at < {{cutoff}} AND version > 1
    GROUP BY source, source_record_id
) AS s ON r.source = s.source AND r.source_record_id = s.source_record_id
WHERE r.observed_at < {{cutoff}}
  AND (s.latest_version IS NULL OR r.version = s.latest_version)
  AND (r.legal_expiry IS NULL OR r.legal_expiry > {{as_of}})
  AND r.record_id NOT IN (SELECT target_record_id FROM {retracted})
""".strip()


#: (view name, SQL template) in dependency order.
SNAPSHOT_TEMPLATES: tuple[tuple[str, str], ...] = (
    (
        "pit_retracted",
        "SELECT DISTINCT target_record_id FROM retraction WHERE observed_at < {cutoff}",
    ),
    *((f"pit_{t}", versioned_view(t)) for t in VERSIONED_TABLES),
)
