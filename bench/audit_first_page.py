"""The auditors' first page of the log over a million events, on PostgreSQL (target: at most 50 ms).

Builds once, in a database of its own, a log of BENCH_EVENTS (1,000,000) chained events spread over
two years: the bodies and hashes ``chain.append`` makes, dealt round the log's chains and loaded with
COPY. Then asks, in interleaved rounds, ``GET /api/v1/audit/events/`` (the auditors' list: the
selector, the filters, the pagination and its count, the recording of the page) as the deployment's
auditor, the web page ``GET /audit/`` (its rows, chart and signals, in process through Django's test
client, signed in by a session) unfiltered and filtered by an action, and the bare SQL of the same
page (the 50 newest rows, no count, no recording) as a reference; prints medians and p95 against
the 50 ms target, and EXPLAIN ANALYZE of every statement the list and the web page run on the log.
Every request records its page: the log must grow by exactly one event per request, and verify
afterwards. The web page keeps its closed days' counts in the cache (``insights.closed_days_tally``):
the first request after the start counts them (shown apart), the rounds read them.

BENCH_DATABASE_URL names an empty PostgreSQL database to use; by default one is created on
127.0.0.1:5432 and dropped at the end.
"""

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
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
SPAN_US = 2 * 365 * 24 * 3600 * 10**6  # two years of events, in microseconds
SERVER = "postgres://postgres@127.0.0.1:5432"
OWN_DATABASE = f"relais_bench_first_page_{os.getpid()}"
OWN = "BENCH_DATABASE_URL" not in os.environ
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"{SERVER}/{OWN_DATABASE}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")
os.environ["DEBUG"] = "False"
warnings.filterwarnings("ignore", "No directory at")

if OWN:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{OWN_DATABASE}"')

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from audit import chain  # noqa: E402
from audit.models import AccessEvent, ChainHead  # noqa: E402

ACTIONS = ["note.list", "person.list", "person.view", "note.view", "note.create", "consent.view"]
# The web pages asked: the first page unfiltered, and filtered (the chart then counts the selection).
WEB_PAGES = {"web /audit/": "/audit/", "web /audit/?action=note.view": "/audit/?action=note.view"}
PAGE_SQL = "SELECT id, body, hash FROM audit_accessevent ORDER BY id DESC LIMIT 50"


def fill(count: int) -> None:
    """``count`` events as ``chain.append`` links them, dealt round the chains in id order, in one COPY."""
    rng = random.Random(7)
    link_to = chain.Linker(settings.RELAIS_AUDIT_KEY)
    chains = chain.chain_count()
    start = time.time_ns() // 1000 - SPAN_US
    step = SPAN_US // count
    heads = {number: (0, chain.GENESIS) for number in range(1, chains + 1)}
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy("COPY audit_accessevent (id, body, hash) FROM STDIN") as copy,
    ):
        for event_id in range(1, count + 1):
            number = (event_id - 1) % chains + 1
            seq, previous = heads[number]
            seq += 1
            at = start + event_id * step
            if seq == 1:
                entry = {**chain._start_entry(number), "t": at}
            else:
                action = rng.choice(ACTIONS)
                entry = {
                    "actor": rng.randrange(1, 500),
                    "actor_label": f"worker {rng.randrange(1, 500)}",
                    "team": rng.randrange(1, 40),
                    "action": action,
                    "outcome": "allowed" if rng.random() > 0.02 else "denied",
                    "reason": "",
                    "person": rng.randrange(1, 200_000),
                    "object_type": "note",
                    "object_ids": [rng.randrange(1, 10**7) for _ in range(3 if action == "note.list" else 0)],
                    "categories": ["contact"],
                    "consent": rng.randrange(1, 300_000),
                    "request_id": f"{rng.getrandbits(128):032x}",
                    "ip": "10.0.0.1",
                    "chain": number,
                    "seq": seq,
                    "t": at,
                }
            body = chain.body_bytes(entry)
            previous = link_to(previous, body, event_id)
            heads[number] = (seq, previous)
            copy.write_row((event_id, body.decode("ascii"), previous.hex()))
    for number in heads:  # a chain's head is its last event: its row is only what appends lock
        ChainHead.objects.get_or_create(pk=number)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('audit_accessevent', 'id'), %s)", [count])
        cursor.execute("VACUUM ANALYZE audit_accessevent")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    from teams import tokens
    from teams.models import User

    call_command("migrate", verbosity=0)
    if AccessEvent.objects.count() < EVENTS:  # a database given by BENCH_DATABASE_URL is filled once
        began = time.perf_counter()
        fill(EVENTS)
        print(f"{EVENTS:,} events filled in {time.perf_counter() - began:.1f} s")
    settings.ALLOWED_HOSTS = ["*"]
    auditor, _ = User.objects.update_or_create(
        username="bench-auditor", defaults={"is_auditor": True, "audits_deployment": True}
    )
    client = Client(HTTP_AUTHORIZATION=f"Token {tokens.issue(auditor)[0]}")
    web = Client(HTTP_ACCEPT_LANGUAGE="fr")
    web.force_login(auditor, backend="teams.backends.UserBackend")
    from django.core.cache import cache

    # The closed days counted anew, under a prefix of this run's: the first web request's cost is
    # shown apart. Never ``cache.clear()``: the cache may be a Redis others use (REDIS_URL).
    cache.key_prefix = f"bench-audit-first-page-{os.getpid()}"
    firsts = {}
    for path in WEB_PAGES.values():
        start = time.perf_counter()
        assert web.get(path).status_code == 200
        firsts[path] = (time.perf_counter() - start) * 1000
    client.get("/api/v1/audit/events/")  # warm: the first request loads what every later one reuses
    before = AccessEvent.objects.count()
    times: dict[str, list[float]] = {
        "API first page": [],
        **{name: [] for name in WEB_PAGES},
        "bare SQL of the page": [],
    }
    requests = 0  # the pages asked since ``before``
    load = os.getloadavg()[0]
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get("/api/v1/audit/events/")
        times["API first page"].append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content
        assert len(response.json()["results"]) == 50
        requests += 1
        for name, path in WEB_PAGES.items():
            start = time.perf_counter()
            response = web.get(path)
            times[name].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200 and b"<tbody>" in response.content
            requests += 1
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(PAGE_SQL)
            cursor.fetchall()
        times["bare SQL of the page"].append((time.perf_counter() - start) * 1000)
    print(
        f"\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, cores {os.cpu_count()}, load {load:.1f} "
        f"at the start, {os.getloadavg()[0]:.1f} at the end; {ROUNDS} interleaved rounds (ms)"
    )
    for path, first in firsts.items():
        print(f"  first {path} after the cache was emptied (every closed day counted): {first:.1f}")
    for name, values in times.items():
        print(f"  {name:<28} median {statistics.median(values):6.1f}  p95 {_percentile(values, 0.95):6.1f}")
    for name in ["API first page", *WEB_PAGES]:
        page = statistics.median(times[name])
        print(f"  {name} within 50 ms: {'yes' if page <= 50 else 'no'}")
    asked = {
        "API first page": (client, "/api/v1/audit/events/"),
        **{n: (web, p) for n, p in WEB_PAGES.items()},
    }
    for name, (asker, path) in asked.items():
        with CaptureQueriesContext(connection) as captured:
            asker.get(path)
        requests += 1
        print(f"\n{name}: {len(captured.captured_queries)} statements; those on the log, EXPLAIN ANALYZE:")
        for query in captured.captured_queries:
            sql = query["sql"]
            # Reads of the log only: not the append (an insert), nor the head's lock (it draws ids).
            reads = sql.lstrip().upper().startswith(("SELECT", "WITH")) and "INSERT" not in sql.upper()
            if "audit_" not in sql or not reads or "nextval" in sql:
                continue
            print(f"\n{sql[:160]}{' ...' if len(sql) > 160 else ''}")
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                for (line,) in cursor.fetchall():
                    print(f"  {line}")
    grew = AccessEvent.objects.count() - before
    print(f"\nlog grew by {grew} events for {requests} pages: {'exact' if grew == requests else 'DIFFERS'}")
    verdict = chain.verify()
    print(f"verify: {'ok' if verdict.ok else f'BROKEN at {verdict.first_bad}'}, {verdict.checked} checked")
    if grew != requests or not verdict.ok:
        sys.exit(1)


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        if OWN:
            with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{OWN_DATABASE}" WITH (FORCE)')
