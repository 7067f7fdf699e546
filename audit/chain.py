"""The keyed hash chain of access events (R6): appending, and verifying.

Each event's hash is HMAC-SHA-256(``RELAIS_AUDIT_KEY``, previous hash ‖ body), over the exact bytes
stored in ``body``. Appends are serialised by a row lock on the chain head (``SELECT … FOR UPDATE``
on PostgreSQL; SQLite transactions begin IMMEDIATE, which takes the database's write lock), held
until the appending transaction ends: two requests cannot link to the same previous event, and an
event that rolls back never becomes anyone's predecessor.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection

from audit import checkpoints
from audit.models import AccessEvent, Anchor, ChainHead

GENESIS = bytes(32)
NO_START = "the oldest event neither starts the chain nor follows a signed purge anchor"
BROKEN_LINK = "its hash does not link it to the event before it"
DIFFERS = "it differs from the signed checkpoint"
# Read with a plain cursor: the walk is the hot loop of verification, and the ORM's row handling
# would double its cost.
_WALK = "SELECT id, seq, body, hash FROM audit_accessevent ORDER BY id"
# Inserted without the ORM, which would read back every generated column it does not need.
_INSERT = "INSERT INTO audit_accessevent (body, hash) VALUES "
INSERT_BATCH = 5000
HEAD_ID = 1


def body_bytes(entry: dict) -> bytes:
    """The one byte form of an event: canonical, ASCII-only JSON (so its UTF-8 bytes are its text)."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


class Linker:
    """HMAC-SHA-256 with the key's inner and outer pads hashed once, not once per event.

    The same function as ``hmac.digest(key, previous + body, "sha256")`` (a test holds it to that),
    at half the cost: verification runs it a million times.
    """

    def __init__(self, key: bytes):
        block = key.ljust(64, b"\0") if len(key) <= 64 else hashlib.sha256(key).digest().ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def __call__(self, previous: bytes, body: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(previous)
        inner.update(body)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


def lock_head() -> ChainHead:
    """The chain's head, locked until the transaction ends: appends queue behind it."""
    head = ChainHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is None:
        # The head is a cache of the last event; rebuild it from the events if it is missing.
        last = AccessEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, digest = last if last else (0, GENESIS.hex())
        ChainHead.objects.bulk_create([ChainHead(pk=HEAD_ID, seq=seq, hash=digest)], ignore_conflicts=True)
        head = ChainHead.objects.select_for_update().get(pk=HEAD_ID)
    return head


def append(entries: list[dict]) -> None:
    """Link and insert events, in the caller's transaction (which must be open)."""
    link_to = Linker(settings.RELAIS_AUDIT_KEY)
    head = lock_head()
    seq, previous = head.seq, bytes.fromhex(head.hash)
    at = time.time_ns() // 1000
    values: list[str] = []
    for entry in entries:
        seq += 1
        body = body_bytes({**entry, "seq": seq, "t": at})
        previous = link_to(previous, body)
        values += [body.decode("ascii"), previous.hex()]
    with connection.cursor() as cursor:
        for start in range(0, len(values), 2 * INSERT_BATCH):
            batch = values[start : start + 2 * INSERT_BATCH]
            cursor.execute(_INSERT + ", ".join(["(%s, %s)"] * (len(batch) // 2)), batch)
    ChainHead.objects.filter(pk=HEAD_ID).update(seq=seq, hash=previous.hex())


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    first_bad: int | None = None
    reason: str = ""
    checkpoint: dict | None = None
    kind: str = "ok"  # ok, no_start, broken_link, differs, missing_tail: for pages to say it in words

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("kind")
        return data


def _start() -> tuple[bytes, int, int | None, str]:
    """Where the chain must begin: the genesis, or the signed anchor a purge left.

    Returns the previous hash, its sequence number, and a first bad id with its reason if the
    oldest event fits neither.
    """
    first = AccessEvent.objects.order_by("id").values_list("id", "seq").first()
    if first is None or first[1] == 1:
        return GENESIS, 0, None, ""
    anchor = Anchor.objects.filter(seq=first[1] - 1).first()
    if anchor is None or not checkpoints.anchor_is_valid(anchor):
        return (
            GENESIS,
            0,
            first[0],
            NO_START,
        )
    return bytes.fromhex(anchor.hash), anchor.seq, None, ""


def verify(*, progress: Callable[[int], None] | None = None, chunk_size: int = 20000) -> Verdict:
    """Walk the chain in id order and name the first event whose link does not hold.

    An edited, deleted, inserted or reordered event breaks the link of the first event it touches;
    a cut-off tail is found against the latest signed checkpoint.
    """
    link_to = Linker(settings.RELAIS_AUDIT_KEY)
    previous, seq, first_bad, reason = _start()
    if first_bad is not None:
        return Verdict(False, 0, first_bad, reason, kind="no_start")
    checkpoint = checkpoints.latest()
    mark = checkpoint["count"] if checkpoint else None
    checked = 0
    last_id = None
    with connection.chunked_cursor() as cursor:  # a server-side cursor on PostgreSQL
        cursor.execute(_WALK)
        while rows := cursor.fetchmany(chunk_size):
            for index, (event_id, event_seq, body, stored) in enumerate(rows):
                digest = link_to(previous, body.encode())
                if digest.hex() != stored or event_seq != seq + 1:
                    return Verdict(False, checked + index, event_id, BROKEN_LINK, checkpoint, "broken_link")
                if event_seq == mark and stored != checkpoint["last_hash"]:
                    return Verdict(False, checked + index, event_id, DIFFERS, checkpoint, "differs")
                previous, seq, last_id = digest, event_seq, event_id
            checked += len(rows)
            if progress is not None:
                progress(len(rows))
    if mark is not None and seq < mark:
        return Verdict(
            False,
            checked,
            checkpoint["last_id"],
            f"events after #{last_id} are missing: the signed checkpoint counts {mark}, "
            f"the chain ends at {seq}",
            checkpoint,
            "missing_tail",
        )
    return Verdict(True, checked, None, "", checkpoint)
