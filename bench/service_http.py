"""The service over HTTP, under gunicorn, on PostgreSQL: the secure notes list against a plain DRF list
of the same rows, the person page, and a 90/10 read/write mix, at concurrency 1, 4 and 16.

Fills a throw-away PostgreSQL database with the benchmarks' world (bench/dataset.py), starts
gunicorn (``relais.wsgi`` with ``bench.settings``: the service's URLs plus the plain list), then:

- latency, one client, interleaved: the secure list (``/api/v1/persons/{id}/notes/?page_size=100``),
  the plain list of the same 100 rows with the same token and pagination, and the person page
  (signed in by session), at 1x and 5x the data: medians, p95 and the ratios;
- throughput at concurrency 1, 4 and 16: the secure list, the plain list, and a mix of 90% secure
  reads and 10% notes written, in interleaved rounds: requests per second, median, p95 and p99;
- afterwards, that the log grew by exactly what the requests imply (each request's events are
  counted once before the runs), and that ``verify_audit`` passes.

Targets (issue "Faster still"): the secure list at most 1.25x the plain one at 1x and 5x; the person
page at most 1.5x the secure list (the API list of the same notes); at 16 clients, the 90/10 mix at
least 0.8x the plain list's requests per second, with its p99 at most 2.5x its p50. The throughput
runs are interleaved: BENCH_LOAD_ROUNDS rounds (default 3) in which the three kinds take turns, each
for BENCH_SECONDS; each figure is the median of its rounds.

BENCH_DATABASE_URL names an empty PostgreSQL database; by default one is created on 127.0.0.1:5432
and dropped at the end. BENCH_ROUNDS (default 200) and BENCH_SECONDS (default 6) size the runs.
"""

import http.client
import json
import os
import random
import signal
import statistics
import sys
import threading
import time
import warnings
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = "postgres://postgres@127.0.0.1:5432"
OWN_DATABASE = f"relais_bench_http_{os.getpid()}"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", f"{SERVER}/{OWN_DATABASE}")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ["DEBUG"] = "False"
warnings.filterwarnings("ignore", "No directory at")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
LOAD_ROUNDS = int(os.environ.get("BENCH_LOAD_ROUNDS", "3"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 2) + 1)))

if "BENCH_DATABASE_URL" not in os.environ:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{OWN_DATABASE}"')

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from audit import chain  # noqa: E402
from audit.models import AccessEvent  # noqa: E402
from bench.dataset import build, world  # noqa: E402
from bench.serving import start_gunicorn  # noqa: E402
from records.models import Person  # noqa: E402
from teams import tokens  # noqa: E402


class Client:
    """One connection's worth of requests (gunicorn's sync workers close after each answer)."""

    def __init__(self, token: str, session: str):
        self.token, self.session = token, session

    def request(self, method: str, path: str, body: dict | None = None, *, page: bool = False) -> float:
        headers = (
            {"Cookie": f"sessionid={self.session}"} if page else {"Authorization": f"Token {self.token}"}
        )
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - start
        conn.close()
        assert response.status < 400, (method, path, response.status)
        return elapsed


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[-1] if len(values) >= 100 else max(values)


def session_for(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "teams.backends.UserBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def event_count() -> int:
    return AccessEvent.objects.count()


class Ledger:
    """What the log must have grown by: each kind of request's events, counted once beforehand."""

    def __init__(self) -> None:
        self.per_request: dict[tuple[str, str], int] = {}
        self.expected = 0
        self.lock = threading.Lock()

    def calibrate(self, client: Client, method: str, path: str, body=None, *, page=False) -> None:
        before = event_count()
        client.request(method, path, body, page=page)
        self.per_request[(method, path)] = event_count() - before
        self.expected += self.per_request[(method, path)]

    def add(self, method: str, path: str) -> None:
        with self.lock:
            self.expected += self.per_request[(method, path)]


def latency(client: Client, ledger: Ledger, persons: list[int]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"secure": [], "plain": [], "page": []}
    kinds = list(times)
    for i in range(ROUNDS):
        person = persons[i % len(persons)]
        random.Random(i).shuffle(kinds)
        for kind in kinds:
            path = {
                "secure": f"/api/v1/persons/{person}/notes/?page_size=100",
                "plain": f"/bench/plain/{person}/notes/?page_size=100",
                "page": f"/persons/{person}/",
            }[kind]
            times[kind].append(client.request("GET", path, page=kind == "page"))
            ledger.add("GET", path)
    return times


def load(
    client: Client, ledger: Ledger, persons: list[int], writable: int, team: int, kind: str, clients: int
):
    """``clients`` threads asking for ``kind`` for SECONDS: (requests per second, median, p95, p99)."""
    stop = time.perf_counter() + SECONDS
    times: list[float] = []
    lock = threading.Lock()

    def run(seed: int) -> None:
        rng = random.Random(seed)
        mine: list[float] = []
        while time.perf_counter() < stop:
            person = rng.choice(persons)
            if kind == "mix" and rng.random() < 0.1:
                path = f"/api/v1/persons/{writable}/notes/"
                body = {"team": team, "category": "housing", "body": "Passage de l'équipe ce soir."}
                mine.append(client.request("POST", path, body))
                ledger.add("POST", path)
                continue
            path = (
                f"/bench/plain/{person}/notes/?page_size=100"
                if kind == "plain"
                else f"/api/v1/persons/{person}/notes/?page_size=100"
            )
            mine.append(client.request("GET", path))
            ledger.add("GET", path)
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=run, args=(seed,)) for seed in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(times) / (time.perf_counter() - began), statistics.median(times), p95(times), p99(times)


def main() -> None:
    call_command("migrate", verbosity=0)
    engine = settings.DATABASES["default"]["ENGINE"]
    print(f"database: {engine}, gunicorn workers: {WORKERS}, cores: {os.cpu_count()}")
    teams, member, author = world()
    token, _expiry = tokens.issue(member)
    client = Client(token, session_for(member))
    persons = build(1000, 20, teams, member, author, 0)
    writable = Person.objects.order_by("id").first().pk  # followed by team 0, never read here
    base = event_count()
    ledger = Ledger()
    server = start_gunicorn(PORT, WORKERS)
    try:
        for person in persons:
            ledger.calibrate(client, "GET", f"/api/v1/persons/{person}/notes/?page_size=100")
            ledger.calibrate(client, "GET", f"/bench/plain/{person}/notes/?page_size=100")
            ledger.calibrate(client, "GET", f"/persons/{person}/", page=True)
        ledger.calibrate(
            client,
            "POST",
            f"/api/v1/persons/{writable}/notes/",
            {"team": teams[0].pk, "category": "housing", "body": "Premier passage."},
        )
        ratios = []
        for label, extra in (("1x", 0), ("5x", 4000)):
            if extra:
                build(extra, 20, teams, member, author, 1000)
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            times = latency(client, ledger, persons)
            secure, plain, page = (statistics.median(times[k]) for k in ("secure", "plain", "page"))
            ratios.append(secure / plain)
            print(
                f"{label}: secure list {secure * 1000:.1f} ms (p95 {p95(times['secure']) * 1000:.1f}), "
                f"plain list {plain * 1000:.1f} ms (p95 {p95(times['plain']) * 1000:.1f}), "
                f"person page {page * 1000:.1f} ms (p95 {p95(times['page']) * 1000:.1f}) | "
                f"secure/plain {secure / plain:.2f}, page/secure {page / secure:.2f}"
            )
        print(
            f"secure/plain at 5x vs 1x: {abs(ratios[1] - ratios[0]) / ratios[0]:.1%} apart "
            "(targets: secure/plain <= 1.25 at 1x and 5x; person page <= 1.5x the secure list)"
        )
        for clients in (1, 4, 16):
            # Interleaved rounds: the plain list, the secure list and the 90/10 mix take turns.
            runs: dict[str, list[tuple[float, float, float, float]]] = {"secure": [], "plain": [], "mix": []}
            for turn in range(LOAD_ROUNDS):
                kinds = list(runs)
                random.Random(turn).shuffle(kinds)
                for kind in kinds:
                    runs[kind].append(load(client, ledger, persons, writable, teams[0].pk, kind, clients))
            row, rates = [], {}
            for kind, measured in runs.items():
                rates[kind] = statistics.median(r[0] for r in measured)
                median, high, highest = (statistics.median(r[i] for r in measured) for i in (1, 2, 3))
                row.append(
                    f"{kind} {rates[kind]:6.1f} req/s (median {median * 1000:.1f} ms, p95 {high * 1000:.1f}, "
                    f"p99 {highest * 1000:.1f}, p99/p50 {highest / median:.2f})"
                )
            print(
                f"concurrency {clients:>2}: "
                + " | ".join(row)
                + f" | mix/plain {rates['mix'] / rates['plain']:.2f}"
                f", secure/plain {rates['secure'] / rates['plain']:.2f}"
            )
        print("(targets at 16 clients: mix/plain >= 0.8, the mix's p99 <= 2.5x its p50)")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    grown = event_count() - base
    verdict_events = "exact" if grown == ledger.expected else "MISMATCH"
    print(f"events: the log grew by {grown}, the requests imply {ledger.expected}: {verdict_events}")
    verdict = chain.verify()
    print(f"verify_audit: {'ok' if verdict.ok else 'BROKEN'}, {verdict.checked} events checked")
    connection.close()
    if "BENCH_DATABASE_URL" not in os.environ:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{OWN_DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    main()
