"""The keyed hash chains of access events (R6): appending, and verifying.

Each event's hash is HMAC-SHA-256(``RELAIS_AUDIT_KEY``, previous hash ‖ id ‖ body), over the exact
stored bytes: its id (8 bytes, big-endian) and its ``body``, which names its chain and its place in
it (``chain``, ``seq``). Covering the id keeps the order of the whole log, across chains, under the
hash: the ids are drawn, in the same statement that takes the chain, before the events are linked.
(Events written before there were several chains are linked without their id, as they were.)

The log is ``RELAIS_AUDIT_CHAINS`` chains side by side. An append locks whichever chain is free (its
row, ``SELECT … FOR UPDATE SKIP LOCKED``; SQLite transactions begin IMMEDIATE, one writer at a time),
reads the chain's head (its last event) once it holds it, and holds it until its transaction ends: a
chain never forks, an event that rolls back never becomes anyone's predecessor, and each chain's
order is its commit order. Appends no longer queue behind one lock. Events keep a global order
through their ids. A signed checkpoint covers every chain's head, so a tail cut from any chain is
caught.

Long on purpose: appending and verifying are one protocol, read side by side; a change to one that
the other does not mirror is a log that cannot be verified.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from typing import Any

import psycopg
from django.conf import settings
from django.db import connections
from django.db.backends.utils import CursorWrapper

from audit import checkpoints
from audit.models import AccessEvent, Action, Anchor, ChainHead

GENESIS = bytes(32)
NO_START = "the oldest event of its chain neither starts it nor follows a signed purge anchor"
BROKEN_LINK = "its hash does not link it to the event before it in its chain"
DIFFERS = "it differs from the signed checkpoint"
# Read with a plain cursor: the walk is the hot loop of verification, and the ORM's row handling
# would double its cost.
_WALK = "SELECT id, chain, seq, body, hash FROM audit_accessevent ORDER BY id"
# Inserted without the ORM, which would read back every generated column it does not need.
_INSERT = "INSERT INTO audit_accessevent (id, body, hash) VALUES "
INSERT_BATCH = 5000
AUDIT_LOCKS = 0x41554454  # the advisory lock class of the log ("AUDT")
# A head, and the ids of the events about to be linked to it, in one statement. On PostgreSQL the
# ids come from the table's own sequence; on SQLite, one writer at a time, they follow the last one.
_NEW_IDS = {
    "postgresql": (
        "ARRAY(SELECT nextval(pg_get_serial_sequence('audit_accessevent', 'id')) FROM generate_series(1, %s))"
    ),
    "sqlite": "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'audit_accessevent'), 0) + 0 * %s",
}
# A chain's head is its last event (or, all its events purged, its latest anchor). The rows of
# audit_chainhead are only what an append locks to hold a chain: they never change, so a log
# appended to thousands of times a second leaves no dead row versions behind (when each append moved
# its head's row, the 8 to 32 rows spread over thousands of pages that every append scanned).
_ANY_HEAD = "SELECT id FROM audit_chainhead ORDER BY random() LIMIT 1"
_FREE_HEAD = {"postgresql": _ANY_HEAD + " FOR UPDATE SKIP LOCKED", "sqlite": _ANY_HEAD}
_SOME_HEAD = {
    "postgresql": "SELECT id FROM audit_chainhead WHERE id = %s FOR UPDATE",
    "sqlite": "SELECT id FROM audit_chainhead WHERE id = %s",
}
# The last link of the locked chain. On PostgreSQL, audit_chain_last (migration 0006) is a volatile
# function: it reads with a snapshot taken after the lock, so it sees the event that the chain's
# previous holder committed before letting it go (the statement's own snapshot, taken before the
# lock, may not). On SQLite one transaction writes at a time: the last event, or the latest anchor.
_SQLITE_LAST = (
    "(SELECT {0} FROM (SELECT seq, hash, 1 AS found FROM audit_accessevent WHERE chain = h.id"
    " UNION ALL SELECT seq, hash, 0 FROM audit_anchor WHERE chain = h.id)"
    " ORDER BY found DESC, seq DESC LIMIT 1)"
)
_LAST = {
    "postgresql": ("l.seq, l.hash", ", LATERAL audit_chain_last(h.id) l"),
    "sqlite": (f"{_SQLITE_LAST.format('seq')}, {_SQLITE_LAST.format('hash')}", ""),
}


def _with_ids(head_sql: str, vendor: str) -> str:
    """The head's statement: the chain locked, its last link, and the new events' ids (drawn once the
    chain is held, so that they follow its last event's)."""
    last, joined = _LAST[vendor]
    return f"SELECT h.id, {last}, {_NEW_IDS[vendor]} FROM ({head_sql}) h{joined}"  # noqa: S608 (constants)


def body_bytes(entry: dict[str, Any]) -> bytes:
    """The one byte form of an event: canonical, ASCII-only JSON (so its UTF-8 bytes are its text)."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


_INNER_PAD = bytes(b ^ 0x36 for b in range(256))
_OUTER_PAD = bytes(b ^ 0x5C for b in range(256))


class Linker:
    """HMAC-SHA-256 with the key's inner and outer pads hashed once, not once per event.

    The same function as ``hmac.digest(key, previous + body, "sha256")`` (a test holds it to that),
    at half the cost: verification runs it a million times.
    """

    def __init__(self, key: bytes):
        block = key.ljust(64, b"\0") if len(key) <= 64 else hashlib.sha256(key).digest().ljust(64, b"\0")
        self._inner = hashlib.sha256(block.translate(_INNER_PAD))
        self._outer = hashlib.sha256(block.translate(_OUTER_PAD))

    def __call__(self, previous: bytes, body: bytes, event_id: int | None = None) -> bytes:
        inner = self._inner.copy()
        inner.update(previous)
        if event_id is not None:
            inner.update(event_id.to_bytes(8, "big"))
        inner.update(body)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


@functools.lru_cache(maxsize=4)
def linker(key: bytes) -> Linker:
    """The ``Linker`` of a key, made once: every append needs one (its pads cost more than its HMAC),
    and a rotated key is another entry."""
    return Linker(key)


def chain_count() -> int:
    return settings.RELAIS_AUDIT_CHAINS


def _new_ids(cursor: CursorWrapper, vendor: str, count: int) -> list[int]:
    cursor.execute(f"SELECT {_NEW_IDS[vendor]}", [count])  # noqa: S608 (constants)
    found = cursor.fetchone()[0]
    return list(found) if vendor == "postgresql" else list(range(found + 1, found + 1 + count))


def _start_entry(chain: int) -> dict[str, Any]:
    """The first event of a chain: it says how many chains the log has, so that a chain removed
    whole is missed by verification even before any checkpoint."""
    return {
        "action": Action.AUDIT_CHAIN_START,
        "actor": None,
        "actor_label": "relais",
        "categories": [],
        "chain": chain,
        "chains": chain_count(),
        "consent": None,
        "ip": None,
        "object_ids": [],
        "object_type": "",
        "outcome": "allowed",
        "person": None,
        "reason": f"chain {chain} of {chain_count()}",
        "request_id": "",
        "seq": 1,
        "t": time.time_ns() // 1000,
        "team": None,
    }


def _has_a_link(using: str, chain: int) -> bool:
    """Whether a chain has a last link to append to: an event, or an anchor its purged events left."""
    return (
        AccessEvent.objects.using(using).filter(chain=chain).exists()
        or Anchor.objects.using(using).filter(chain=chain).exists()
    )


def _create_missing_heads(using: str) -> None:
    """Make what an append needs of every chain: its row to lock, and a first event if it has none."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # two first appends must not start the same chains
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [AUDIT_LOCKS])
        have = set(ChainHead.objects.using(using).values_list("pk", flat=True))
        link_to = linker(settings.RELAIS_AUDIT_KEY)
        for chain in range(1, chain_count() + 1):
            if chain not in have:
                ChainHead.objects.using(using).create(pk=chain)
            if not _has_a_link(using, chain):
                [event_id] = _new_ids(cursor, connection.vendor, 1)
                body = body_bytes(_start_entry(chain))
                digest = link_to(GENESIS, body, event_id).hex()
                cursor.execute(_INSERT + "(%s, %s, %s)", [event_id, body.decode("ascii"), digest])


def _wait_for_head(
    cursor: CursorWrapper, vendor: str, count: int, chain: int | None = None
) -> tuple[Any, ...] | None:
    """The head of ``chain`` (by default one chosen at random), waited for, with ``count`` new ids;
    None if the chain has no row yet.

    Only a missing head sends an append to ``_create_missing_heads``, whose lock is the whole log's
    and lasts to the end of the transaction: taken whenever every head was busy, it queued every
    such append behind one lock (three quarters of an append's time at 32 processes)."""
    if chain is None:
        chain = random.randint(1, chain_count())  # noqa: S311 (spreading load, not a secret)
    cursor.execute(_with_ids(_SOME_HEAD[vendor], vendor), [count, chain])  # the ids come first
    head: tuple[Any, ...] | None = cursor.fetchone()
    return head


def lock_head(
    using: str = "default", *, count: int = 1, cursor: CursorWrapper | None = None
) -> tuple[int, int, str, list[int]]:
    """A chain held until the transaction ends, its last link, and ``count`` new event ids:
    (chain, seq, hash, ids). A free chain if any; otherwise one chosen at random, waited for.
    ``cursor``: the caller's, on ``using`` (an append's statements share one)."""
    connection = connections[using]
    vendor = connection.vendor
    with connection.cursor() if cursor is None else nullcontext(cursor) as cursor:
        cursor.execute(_with_ids(_FREE_HEAD[vendor], vendor), [count])
        head = cursor.fetchone()
        if head is None:  # every chain is appending right now: queue behind one of them
            head = _wait_for_head(cursor, vendor, count)
        if head is None or head[1] is None:  # a new log, more chains than before, or a chain not started
            _create_missing_heads(using)
            head = _wait_for_head(cursor, vendor, count, None if head is None else head[0])
    chain, seq, digest, ids = head
    if vendor == "sqlite":
        ids = list(range(ids + 1, ids + 1 + count))
    return chain, seq, digest, list(ids)


def append(entries: list[dict[str, Any]], *, using: str = "default", commit: bool = False) -> None:
    """Link and insert events, in the caller's transaction (which must be open).

    ``commit``: the caller's transaction ends with these events (``recorder.unit_of_work``, about to
    commit): on PostgreSQL its ``COMMIT`` goes in the same round trip as the last insert, which
    also releases the chain a round trip sooner. The caller then runs nothing more in it."""
    link_to = linker(settings.RELAIS_AUDIT_KEY)
    connection = connections[using]
    with connection.cursor() as cursor:
        chain, seq, digest, ids = lock_head(using, count=len(entries), cursor=cursor)
        previous = bytes.fromhex(digest)
        at = time.time_ns() // 1000
        values: list[int | str] = []
        for entry, event_id in zip(entries, ids, strict=True):
            seq += 1
            body = body_bytes({**entry, "chain": chain, "seq": seq, "t": at})
            previous = link_to(previous, body, event_id)
            values += [event_id, body.decode("ascii"), previous.hex()]
        batches = [
            values[start : start + 3 * INSERT_BATCH] for start in range(0, len(values), 3 * INSERT_BATCH)
        ]
        for number, batch in enumerate(batches):
            insert = _INSERT + ", ".join(["(%s, %s, %s)"] * (len(batch) // 3))
            if commit and number == len(batches) - 1 and connection.vendor == "postgresql":
                cursor.execute(_with_commit(connection.connection, insert, batch))
            else:
                cursor.execute(insert, batch)


def _with_commit(raw: psycopg.Connection, statement: str, params: list[int | str]) -> str:
    """``statement; COMMIT`` as one text: several statements go in one round trip only by the simple
    query protocol, which takes no parameters, so the values are quoted by psycopg itself (its client
    side binding, ``ClientCursor.mogrify``). A failed insert skips the ``COMMIT``: the transaction is
    left aborted, for the caller to roll back, as when the insert is sent alone."""
    return f"{psycopg.ClientCursor(raw).mogrify(statement, params)}; COMMIT"


# How many events the chains hold: each chain's last seq (its last event's, or its latest anchor's
# when a purge took them all), less what purges removed (up to its latest anchor). Two index probes
# per chain.
_COMMITTED = (
    "SELECT COALESCE(SUM(COALESCE(events, anchored, 0) - COALESCE(anchored, 0)), 0) FROM ("
    "SELECT (SELECT MAX(seq) FROM audit_accessevent WHERE chain = h.id) AS events,"
    " (SELECT MAX(seq) FROM audit_anchor WHERE chain = h.id) AS anchored FROM audit_chainhead h) t"
)


def committed_count(using: str = "default") -> int:
    """How many events the log holds, from its chains' last links: a chain's seq counts its events,
    so this counts exactly the events committed (and one's own), as ``COUNT(*)`` would, in a few
    index probes per chain instead of a walk of a million. A log with rows edited or removed outside
    the chain is what ``verify`` finds; this count is the chains' word."""
    with connections[using].cursor() as cursor:
        cursor.execute(_COMMITTED)
        return int(cursor.fetchone()[0])


# Verification ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    first_bad: int | None = None
    reason: str = ""
    checkpoint: dict[str, Any] | None = None
    kind: str = "ok"  # ok, no_start, broken_link, differs, missing_tail: for pages to say it in words

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("kind")
        return data


def _anchors() -> dict[tuple[int, int], Anchor]:
    return {(anchor.chain, anchor.seq): anchor for anchor in Anchor.objects.all()}


def _announced() -> tuple[int, int | None]:
    """How many chains the log was started with (the most any chain's first event says), and the
    id of the event that says so."""
    starts = AccessEvent.objects.filter(action=Action.AUDIT_CHAIN_START).values_list("id", "body")
    best: tuple[int, int | None] = (0, None)
    for event_id, body in starts:
        best = max(best, (json.loads(body).get("chains", 0), event_id), key=lambda b: b[0])
    return best


def verify(*, progress: Callable[[int], None] | None = None, chunk_size: int = 20000) -> Verdict:
    """Walk the events in id order, each chain from its start, and name the first event whose link
    does not hold.

    An edited, deleted, inserted or reordered event breaks the link of the first event it touches
    in its chain; a tail cut from a chain is found against the latest signed checkpoint, which
    covers every chain's head.
    """
    link_to = Linker(settings.RELAIS_AUDIT_KEY)
    checkpoint = checkpoints.latest()
    marks = checkpoints.heads(checkpoint)
    anchors = _anchors()
    state: dict[int, tuple[bytes, int, int | None]] = {}  # chain -> (previous hash, seq, last id)
    checked = 0
    with connections["default"].chunked_cursor() as cursor:  # a server-side cursor on PostgreSQL
        cursor.execute(_WALK)
        while rows := cursor.fetchmany(chunk_size):
            for index, (event_id, chain, event_seq, body, stored) in enumerate(rows):
                known = state.get(chain)
                if known is None:
                    if event_seq == 1:
                        known = (GENESIS, 0, None)
                    else:
                        anchor = anchors.get((chain, event_seq - 1))
                        if anchor is None or not checkpoints.anchor_is_valid(anchor):
                            return Verdict(False, checked + index, event_id, NO_START, checkpoint, "no_start")
                        known = (bytes.fromhex(anchor.hash), anchor.seq, anchor.last_id)
                previous, seq, _last = known
                # Events of the one-chain log name no chain: their hash does not cover their id.
                digest = link_to(previous, body.encode(), event_id if '"chain":' in body else None)
                if digest.hex() != stored or event_seq != seq + 1:
                    return Verdict(False, checked + index, event_id, BROKEN_LINK, checkpoint, "broken_link")
                mark = marks.get(chain)
                if mark is not None and event_seq == mark["count"] and stored != mark["last_hash"]:
                    return Verdict(False, checked + index, event_id, DIFFERS, checkpoint, "differs")
                state[chain] = (digest, event_seq, event_id)
            checked += len(rows)
            if progress is not None:
                progress(len(rows))
    announced, by_event = _announced()
    present = set(state) | {chain for chain, _seq in anchors}
    gone = sorted(set(range(1, announced + 1)) - present)
    if gone:
        return Verdict(
            False,
            checked,
            by_event,
            f"chain {gone[0]} is missing entirely: the log was started with {announced} chains",
            checkpoint,
            "missing_chain",
        )
    purged_to: dict[
        int, tuple[bytes, int, int | None]
    ] = {}  # a chain all of whose events were purged ends at its latest anchor
    for (chain, seq), anchor in sorted(anchors.items()):
        purged_to[chain] = (bytes.fromhex(anchor.hash), seq, anchor.last_id)
    signed_at = checkpoint["at"] if checkpoint else None  # marks come from a checkpoint
    for chain, mark in sorted(marks.items()):
        _previous, seq, last_id = state.get(chain) or purged_to.get(chain, (GENESIS, 0, None))
        if seq < mark["count"]:
            return Verdict(
                False,
                checked,
                mark["last_id"],
                f"events {seq + 1} to {mark['count']} of chain {chain} are missing (after "
                f"#{last_id}, up to #{mark['last_id']}): the signed checkpoint of {signed_at} "
                f"counts {mark['count']}, the chain ends at {seq}",
                checkpoint,
                "missing_tail",
            )
    return Verdict(True, checked, None, "", checkpoint)
