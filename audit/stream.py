"""The log, streamed out of the database as it grows, and checked against what was streamed.

Each line is one event as JSON: ``id``, ``chain``, ``seq``, ``hash`` and its exact ``body``, for a
log shipper or a SIEM to keep on other storage (the CNIL asks for it). A chain's events commit in
the order of their ``seq`` (an append holds its chain's head until it commits), so following each
chain by ``seq`` loses nothing and writes nothing twice; a stream resumes from the last line of
each chain it holds. Later, the database is checked against the stream: an event the stream holds
and the database lost (other than by a signed purge) is named, with the range it belongs to.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.models import AccessEvent, Anchor

BATCH = 5000


def line(event_id: int, chain: int, seq: int, digest: str, body: str) -> str:
    return json.dumps({"id": event_id, "chain": chain, "seq": seq, "hash": digest, "body": body}) + "\n"


@dataclass(frozen=True)
class Format:
    """A shape of streamed line: how an event is written, how a line says where it was, its name."""

    render: Callable[[int, int, int, str, str], str]
    position: Callable[[dict[str, Any]], tuple[int, int]]
    name: str


def position_of(record: dict[str, Any]) -> tuple[int, int]:
    return record["chain"], record["seq"]


def positions_in(
    path: Path, position: Callable[[dict[str, Any]], tuple[int, int]] = position_of
) -> dict[int, int]:
    """The last seq of each chain in a stream file; a torn last line (a crash mid-write) is dropped.

    ``position`` reads a line's chain and seq (another shape of line, such as a FHIR AuditEvent,
    says them in its own words)."""
    positions: dict[int, int] = {}
    if not path.exists():
        return positions
    good = 0
    with path.open("rb") as stream:
        for raw in stream:
            if not raw.endswith(b"\n"):
                break
            try:
                record = json.loads(raw)
            except ValueError:
                break
            chain, seq = position(record)
            positions[chain] = max(positions.get(chain, 0), seq)
            good += len(raw)
    if good != path.stat().st_size:
        with path.open("r+b") as stream:
            stream.truncate(good)
    return positions


def parse_positions(text: str) -> dict[int, int]:
    """``1:120,2:33``: resume each chain after that seq."""
    positions = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        chain, _, seq = part.partition(":")
        positions[int(chain)] = int(seq)
    return positions


def new_lines(
    positions: dict[int, int], render: Callable[[int, int, int, str, str], str] = line
) -> Iterator[tuple[int, int, str]]:
    """(chain, seq, line) of every committed event after the given positions, chain by chain.

    Updates ``positions`` as it goes. Chains not named start from their first event (or from their
    purge anchor, whatever came before it being gone). ``render`` makes a line of an event's id,
    chain, seq, hash and body (JSON of them by default)."""
    chains = set(AccessEvent.objects.values_list("chain", flat=True).distinct()) | set(positions)
    for chain in sorted(chains):
        after = positions.get(chain, 0)
        while True:
            rows = list(
                AccessEvent.objects.filter(chain=chain, seq__gt=after)
                .order_by("seq")
                .values_list("id", "seq", "hash", "body")[:BATCH]
            )
            if not rows:
                break
            for event_id, seq, digest, body in rows:
                yield chain, seq, render(event_id, chain, seq, digest, body)
                after = positions[chain] = seq


@dataclass
class Comparison:
    """What the database lost or changed of a stream; empty lists when it holds it all."""

    checked: int = 0
    missing: list[tuple[int, int, int, int, int]] = field(default_factory=list)  # chain, seqs, ids
    differing: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.differing

    def describe(self) -> str:
        parts = [
            f"chain {chain}: events {first}–{last} (#{first_id}–#{last_id}) "
            "are in the stream, not in the database"
            for chain, first, last, first_id, last_id in self.missing
        ]
        parts += [f"event #{event_id} differs from the stream" for event_id in self.differing[:10]]
        return "; ".join(parts)


def _records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as stream:
        for raw in stream:
            if raw.endswith(b"\n"):
                yield json.loads(raw)


def _batches(records: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for record in records:
        batch.append(record)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def compare(path: Path) -> Comparison:
    """Check that every streamed event is still in the database, unchanged (or purged by a signed
    anchor), and name the ranges that are not."""
    purged: dict[int, int] = {}
    for anchor in Anchor.objects.all():
        purged[anchor.chain] = max(purged.get(anchor.chain, 0), anchor.seq)
    result = Comparison()
    open_run: dict[int, list[int]] = {}  # chain -> [first seq, last seq, first id, last id]
    for batch in _batches(_records(path)):
        stored = {
            (chain, seq): (event_id, digest, body)
            for event_id, chain, seq, digest, body in AccessEvent.objects.filter(
                id__in=[r["id"] for r in batch]
            ).values_list("id", "chain", "seq", "hash", "body")
        }
        for record in batch:
            result.checked += 1
            key = (record["chain"], record["seq"])
            found = stored.get(key)
            if found is None and record["seq"] <= purged.get(record["chain"], 0):
                continue  # removed by a signed purge
            if found is None:
                run = open_run.get(record["chain"])
                if run and run[1] + 1 == record["seq"]:
                    run[1], run[3] = record["seq"], record["id"]
                else:
                    if run:
                        result.missing.append((record["chain"], run[0], run[1], run[2], run[3]))
                    open_run[record["chain"]] = [record["seq"], record["seq"], record["id"], record["id"]]
                continue
            if found != (record["id"], record["hash"], record["body"]):
                result.differing.append(record["id"])
    for chain, run in sorted(open_run.items()):
        result.missing.append((chain, run[0], run[1], run[2], run[3]))
    result.missing.sort()
    return result
