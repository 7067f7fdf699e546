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
from django.contrib.auth.models import Permission  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from audit import recorder  # noqa: E402
from consent.models import Consent  # noqa: E402
from records.models import FollowUp, Note, Person, PersonGroupObjectPermission  # noqa: E402
from teams import services as team_services  # noqa: E402
from teams import tokens  # noqa: E402
from teams.models import Category, Membership, User  # noqa: E402

SYSTEM = recorder.system("bench")

settings.ROOT_URLCONF = "bench.urls"
settings.ALLOWED_HOSTS = ["*"]
TEAMS = 6
CATEGORIES = [
    "contact",
    "housing",
    "support_plan",
    "administrative",
    "health",
    "addiction",
    "justice",
    "family",
]
MEASURED_NOTES = 250  # half of them in categories the member may read: 125, a full page


def build(persons: int, notes_per_person: int, teams, member, author, start: int) -> list[int]:
    """Add ``persons`` persons followed by two teams each, consents for most, and their notes."""
    categories = {c.code: c for c in Category.objects.all()}
    perm = Permission.objects.get(codename="follow_person")
    new = Person.objects.bulk_create(
        [Person(display_name=f"Personne {start + i}", phone=f"06 {i:08d}") for i in range(persons)]
    )
    grants, follow_ups, consents = [], [], []
    for i, person in enumerate(new):
        for team in (teams[i % TEAMS], teams[(i + 1) % TEAMS]):
            grants.append(
                PersonGroupObjectPermission(content_object=person, group_id=team.group_id, permission=perm)
            )
            follow_ups.append(FollowUp(person=person, team=team))
            if i % 5:  # one person in five has not consented
                consents.append(
                    Consent(person=person, team=team, purpose="continuité", method="oral", recorded_by=member)
                )
    PersonGroupObjectPermission.objects.bulk_create(grants)
    FollowUp.objects.bulk_create(follow_ups)
    consents = Consent.objects.bulk_create(consents)
    through = Consent.categories.through
    through.objects.bulk_create(
        [
            through(consent=c, category=categories[code])
            for c in consents
            for code in ("contact", "housing", "support_plan")
        ]
    )
    notes = []
    for i, person in enumerate(new):
        count = MEASURED_NOTES if i in (1, 2, 3) else notes_per_person
        for j in range(count):
            notes.append(
                Note(
                    person=person,
                    team=teams[i % TEAMS],
                    author=author,
                    category=categories[("housing", "support_plan", "health", "justice")[j % 4]],
                    body=f"Transmission {j} : rendez-vous, démarches et nouvelles de la semaine. " * 3,
                )
            )
    Note.objects.bulk_create(notes, batch_size=2000)
    with connection.cursor() as cursor:  # as autovacuum would, once the data has settled
        cursor.execute("ANALYZE")
    return [p.pk for p in new[1:4]]


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
    teams = [
        team_services.create_team(by=SYSTEM, name=f"Équipe {i}", continuity_categories=CATEGORIES[:4])
        for i in range(TEAMS)
    ]
    member = User.objects.create(username="bench")
    author = User.objects.create(username="author")
    for team in teams[:4]:
        team_services.add_member(by=SYSTEM, team=team, user=member)
    Membership.objects.filter(user=member).update(commitment_accepted_at=timezone.now())
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
