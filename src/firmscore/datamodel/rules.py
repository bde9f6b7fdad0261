"""Domain rules: values that no Chinese registry or ledger can hold, whatever the source says.

Ingestion quarantines a row whose field breaks one of these rules, with a reason naming the rule
(``ingest/rules.py`` applies them). They are part of the data contract, not of any one mapping:

* **dates**: nothing before :data:`DATE_FLOOR`; an enterprise is not established before the
  People's Republic's registries existed (:data:`EARLIEST_ESTABLISHMENT`, 1949-10-01); a fact
  that has happened (an enterprise's establishment, an event) is not dated after the moment the
  platform learnt it (``observed_at``, or the ingestion time when the mapping gives none) plus a
  tolerance (:data:`FUTURE_TOLERANCE_DAYS`, a mapping may declare its own). ``observed_at`` itself
  is not checked against the clock: a replayed or simulated delivery (``firmscore synth``) may be
  observed after today;
* **amounts and counts**: capital, employees, head counts, days past due, principal, fines … are
  never negative (:data:`NON_NEGATIVE`), except the amounts that are signed by meaning
  (:data:`SIGNED_EVENT_AMOUNTS`: a red invoice is negative; :data:`SIGNED_RELATION_AMOUNTS`: a trade
  may be a credit note); shares lie in [0, 1];
* **numbers** are finite (no ``inf``; ``NaN`` is "no value");
* **ids**: a required identifier (every non-nullable text column: ``source_record_id``,
  ``enterprise_id``, ``subject_id`` …) is never empty or blank.
"""

from __future__ import annotations

from datetime import date

from firmscore.datamodel.enums import EventType, RecordType, RelationType

DATE_FLOOR = date(1900, 1, 1)
EARLIEST_ESTABLISHMENT = date(1949, 10, 1)
FUTURE_TOLERANCE_DAYS = 1  # clocks and time zones: a fact dated tomorrow (UTC+8) is not impossible
EARLIEST_BIRTH_YEAR = 1900

#: (record type, column) → dates that must not be after the record's observation time (+ tolerance).
PAST_FACT_DATES: frozenset[tuple[RecordType, str]] = frozenset(
    {(RecordType.ENTERPRISE, "established_date"), (RecordType.EVENT, "effective_from")}
)

#: (record type, column) → earliest possible value beyond :data:`DATE_FLOOR`.
EARLIEST_DATES: dict[tuple[RecordType, str], date] = {
    (RecordType.ENTERPRISE, "established_date"): EARLIEST_ESTABLISHMENT,
}

#: Numeric columns that may not be negative (event and relation amounts: see the signed sets).
NON_NEGATIVE: frozenset[tuple[RecordType, str]] = frozenset(
    {
        (RecordType.ENTERPRISE, "registered_capital"),
        (RecordType.ENTERPRISE, "paid_in_capital"),
        (RecordType.ENTERPRISE, "insured_employees"),
        (RecordType.EVENT, "amount"),
        (RecordType.EVENT, "value"),
        (RecordType.RELATION, "amount"),
    }
)

#: Event types whose ``amount`` is signed (negative = red credit note, refund).
SIGNED_EVENT_AMOUNTS: frozenset[EventType] = frozenset(
    {EventType.INVOICE_OUT, EventType.INVOICE_IN, EventType.TAX_PAYMENT}
)

#: Event types whose ``value`` is not a count or a day number (and so may be negative).
SIGNED_EVENT_VALUES: frozenset[EventType] = frozenset({EventType.INVOICE_OUT, EventType.INVOICE_IN})

#: Relation types whose ``amount`` is signed (a trade can be a credit note).
SIGNED_RELATION_AMOUNTS: frozenset[RelationType] = frozenset({RelationType.TRADE})

#: (record type, column) → closed interval of possible values.
RANGES: dict[tuple[RecordType, str], tuple[float, float]] = {
    (RecordType.RELATION, "share"): (0.0, 1.0),
}
