"""A member's notes list (policy + audit + decryption) against a plain DRF ListAPIView.

Builds a realistic dataset (20,000 notes over 1,000 persons, several teams and consents, then five
times that), and times, interleaved, ``GET /api/v1/persons/{id}/notes/?page_size=100`` and a plain
``ListAPIView`` over the same 100 rows with the same token authentication and pagination. Prints
both medians and their ratio at each size. Target: ratio <= 1.8, and the ratio at 5x within 15%.

Runs on a throw-away SQLite file unless BENCH_DATABASE_URL names another (empty) database.
"""

import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
workdir = tempfile.mkdtemp(prefix="relais-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")
os.environ["DEBUG"] = "False"
warnings.filterwarnings("ignore", "No directory at")  # static files are not collected here

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from bench.dataset import build, world  # noqa: E402
from records.models import Note, Person  # noqa: E402
from teams import tokens  # noqa: E402

settings.ROOT_URLCONF = "bench.urls"
settings.ALLOWED_HOSTS = ["*"]


def timed(client: Client, url: str, token: str) -> float:
    start = time.perf_counter()
    response = client.get(url, HTTP_AUTHORIZATION=f"Token {token}")
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.content[:300]
    return elapsed


def measure(person_ids: list[int], token: str, rounds: int) -> tuple[float, float, int]:
    client = Client()
    policy_times, plain_times = [], []
    rows = len(
        client.get(
            f"/api/v1/persons/{person_ids[0]}/notes/?page_size=100", HTTP_AUTHORIZATION=f"Token {token}"
        ).json()["results"]
    )
    for i in range(rounds):
        person_id = person_ids[i % len(person_ids)]
        policy_url = f"/api/v1/persons/{person_id}/notes/?page_size=100"
        plain_url = f"/bench/plain/{person_id}/notes/?page_size=100"
        if i % 2:
            policy_times.append(timed(client, policy_url, token))
            plain_times.append(timed(client, plain_url, token))
        else:
            plain_times.append(timed(client, plain_url, token))
            policy_times.append(timed(client, policy_url, token))
    return statistics.median(policy_times), statistics.median(plain_times), rows


def main() -> None:
    rounds = int(os.environ.get("BENCH_ROUNDS", "300"))
    call_command("migrate", verbosity=0)
    print(f"database: {settings.DATABASES['default']['ENGINE']}")
    teams, member, author = world()
    token, _ = tokens.issue(member)

    results = []
    measured = build(1000, 20, teams, member, author, 0)
    for label, extra in (("1x", 0), ("5x", 4000)):
        if extra:
            build(extra, 20, teams, member, author, 1000)
        policy, plain, rows = measure(measured, token, rounds)
        results.append(policy / plain)
        print(
            f"{label}: {Person.objects.count():>6} persons {Note.objects.count():>7} notes | "
            f"notes list of {rows} rows: relais {policy * 1000:.2f} ms, "
            f"plain ListAPIView {plain * 1000:.2f} ms, ratio {policy / plain:.2f}"
        )
    drift = abs(results[1] - results[0]) / results[0]
    print(f"ratio at 5x vs 1x: {drift:.1%} apart (target: ratio <= 1.8, within 15%)")


if __name__ == "__main__":
    main()
