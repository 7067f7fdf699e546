"""``verify_audit`` over 1,000,000 events stored in PostgreSQL, against a bare hashlib pass.

Fills a throw-away PostgreSQL database with a chain of realistic events (the bytes and hashes that
``chain.append`` makes, loaded with COPY for speed), then times, interleaved, three passes over the
same stored rows:

- ``verify``: ``chain.verify()`` with a progress bar, as ``manage.py verify_audit`` runs it;
- ``bare``: a raw server-side cursor reading ``body`` in id order and hashing it with
  ``hashlib.sha256``, the least any verification must do;
- ``orm-bare``: the same bare hashing, reading the rows the way ``verify`` reads them.

Prints events per second and the ratio verify / bare. Targets: 1M events in at most 5 s, and at
most 2x the bare pass. Then times the auditors' API over the same million events (first page,
and filtered pages), to show that its indexes keep it fast.

BENCH_DATABASE_URL names an empty PostgreSQL database to use; by default one is created on
127.0.0.1:5432 and dropped at the end. BENCH_EVENTS sets the number of events (default 1,000,000).
"""

import hashlib
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
EVENTS = int(os.environ.get("BENCH_EVENTS", "1000000"))
ROUNDS = 3
SERVER = "postgres://postgres@127.0.0.1:5432"
OWN_DATABASE = f"relais_bench_audit_{os.getpid()}"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"{SERVER}/{OWN_DATABASE}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")
os.environ["DEBUG"] = "False"
warnings.filterwarnings("ignore", "No directory at")

if "BENCH_DATABASE_URL" not in os.environ:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{OWN_DATABASE}"')

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from tqdm import tqdm  # noqa: E402

from audit import chain  # noqa: E402
from audit.models import ChainHead  # noqa: E402

ACTIONS = ["note.list", "person.list", "person.view", "note.view", "note.create", "consent.view"]
CATEGORIES = ["contact", "housing", "support_plan", "administrative", "health", "addiction"]


def fill(count: int) -> None:
    """Append ``count`` events over the log's chains as ``chain.append`` would, in one COPY: each
    chain opened by its start event, the events dealt round the chains in id order."""
    rng = random.Random(7)
    link_to = chain.Linker(settings.RELAIS_AUDIT_KEY)
    chains = chain.chain_count()
    at = time.time_ns() // 1000 - count * 1000
    heads = {number: (0, chain.GENESIS) for number in range(1, chains + 1)}
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy("COPY audit_accessevent (id, body, hash) FROM STDIN") as copy,
        tqdm(total=count, desc="filling", unit="ev", unit_scale=True) as bar,
    ):
        for event_id in range(1, count + 1):
            number = (event_id - 1) % chains + 1
            seq, previous = heads[number]
            seq += 1
            if seq == 1:
                entry = {**chain._start_entry(number), "t": at}
            else:
                entry = random_entry(rng, number, seq, at + event_id * 1000)
            body = chain.body_bytes(entry)
            previous = link_to(previous, body, event_id)
            heads[number] = (seq, previous)
            copy.write_row((event_id, body.decode("ascii"), previous.hex()))
            if event_id % 10000 == 0:
                bar.update(10000)
    for number in heads:  # a chain's head is its last event: its row is only what appends lock
        ChainHead.objects.get_or_create(pk=number)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('audit_accessevent', 'id'), %s)", [count])
        cursor.execute("VACUUM ANALYZE audit_accessevent")


def random_entry(rng: random.Random, number: int, seq: int, at: int) -> dict:
    action = rng.choice(ACTIONS)
    listed = rng.randrange(0, 25) if action == "note.list" else 0
    return {
        "actor": rng.randrange(1, 500),
        "actor_label": f"Intervenant {rng.randrange(1, 500)}",
        "team": rng.randrange(1, 40),
        "action": action,
        "outcome": "allowed" if rng.random() > 0.02 else "denied",
        "reason": "",
        "person": rng.randrange(1, 200_000),
        "object_type": "note",
        "object_ids": [rng.randrange(1, 10**7) for _ in range(listed)],
        "categories": sorted(rng.sample(CATEGORIES, rng.randrange(0, 3))),
        "consent": rng.randrange(1, 300_000),
        "request_id": f"{rng.getrandbits(128):032x}",
        "ip": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}",
        "chain": number,
        "seq": seq,
        "t": at,
    }


def verify() -> int:
    with tqdm(total=EVENTS, unit="ev", unit_scale=True, file=open(os.devnull, "w")) as bar:  # noqa: SIM115
        verdict = chain.verify(progress=bar.update)
    assert verdict.ok, verdict
    return verdict.checked


def bare() -> int:
    count = 0
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor(name="bare") as cursor:
        cursor.itersize = 20000
        cursor.execute("SELECT body FROM audit_accessevent ORDER BY id")
        sha256 = hashlib.sha256
        for (body,) in cursor:
            sha256(body.encode()).digest()
            count += 1
    return count


def orm_bare() -> int:
    from audit.models import AccessEvent

    count = 0
    rows = AccessEvent.objects.order_by("id").values_list("id", "seq", "body", "hash")
    for _, _, body, _ in rows.iterator(chunk_size=20000):
        hashlib.sha256(body.encode()).digest()
        count += 1
    return count


def timed(function) -> float:
    start = time.perf_counter()
    assert function() == EVENTS
    return time.perf_counter() - start


def api_latencies() -> dict[str, float]:
    """Median milliseconds of the auditors' list, unfiltered and filtered, over the million events."""
    from django.test import Client

    from teams import tokens
    from teams.models import User

    settings.ALLOWED_HOSTS = ["*"]
    auditor = User.objects.create(username="bench-auditor", is_auditor=True)
    client = Client(HTTP_AUTHORIZATION=f"Token {tokens.issue(auditor)[0]}")
    queries = {
        "first page": "",
        "one person": "?person=4242",
        "one actor, since a date": "?actor=42&since=2000-01-01T00:00:00Z",
        "denied note lists": "?action=note.list&outcome=denied",
    }
    medians = {}
    for name, query in queries.items():
        times = []
        for _ in range(15):
            start = time.perf_counter()
            response = client.get(f"/api/v1/audit/events/{query}")
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.content
        medians[name] = statistics.median(times)
    return medians


def main() -> None:
    call_command("migrate", verbosity=0)
    fill(EVENTS)
    connection.close()
    times = {"verify": [], "bare": [], "orm-bare": []}
    for _ in range(ROUNDS):
        for name, function in (("verify", verify), ("bare", bare), ("orm-bare", orm_bare)):
            times[name].append(timed(function))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"\n{EVENTS:,} events in PostgreSQL, median of {ROUNDS} interleaved rounds")
    for name, seconds in medians.items():
        print(f"  {name:9} {seconds:6.2f} s  {EVENTS / seconds:>12,.0f} events/s")
    print(f"  ratio verify / bare      {medians['verify'] / medians['bare']:.2f}  (target <= 2)")
    print(f"  ratio verify / orm-bare  {medians['verify'] / medians['orm-bare']:.2f}")
    print(f"  verify within 5 s: {'yes' if medians['verify'] <= 5 else 'no'}")
    print("\nGET /api/v1/audit/events/ over the same events (median of 15, ms)")
    for name, ms in api_latencies().items():
        print(f"  {name:25} {ms:7.1f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        if "BENCH_DATABASE_URL" not in os.environ:
            with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{OWN_DATABASE}"')
