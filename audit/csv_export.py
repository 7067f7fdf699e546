"""The access log as CSV, for the auditors' API and ``export_audit`` alike."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from audit.models import AccessEvent

COLUMNS = [
    "id",
    "seq",
    "occurred_at",
    "actor",
    "actor_label",
    "team",
    "action",
    "outcome",
    "reason",
    "person",
    "object_type",
    "object_ids",
    "categories",
    "consent",
    "glass_break",
    "request_id",
    "ip",
    "changes",
    "hash",
]
# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def escape(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def row(event: AccessEvent) -> list[str]:
    data = event.data
    values = [
        event.pk,
        data["seq"],
        event.occurred_at.isoformat(),
        data["actor"],
        data["actor_label"],
        data["team"],
        data["action"],
        data["outcome"],
        data["reason"],
        data["person"],
        data["object_type"],
        " ".join(str(i) for i in data["object_ids"]),
        " ".join(data["categories"]),
        data["consent"],
        data.get("glass_break"),
        data["request_id"],
        data["ip"],
        json.dumps(data["changes"], ensure_ascii=False, sort_keys=True) if "changes" in data else "",
        event.hash,
    ]
    return [escape(v) for v in values]


class _Echo:
    def write(self, value: str) -> str:
        return value


def lines(events: Iterable[AccessEvent]) -> Iterator[str]:
    """CSV lines, header first, one at a time: large ranges never sit in memory."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for event in events:
        yield writer.writerow(row(event))
