"""Every page that lists, over HTTP under gunicorn on PostgreSQL, against the person page: at ten
times the demo's data and with a person whose journal has 10,000 lines.

Builds, in a throw-away PostgreSQL database, the demo (``manage.py seed_demo``) and nine more copies
of its persons through the same services (persons, consents given and withdrawn, follow-ups, notes,
an emergency access waiting for review, a trusted person with her own space and a curator per copy),
then a disagreement per copy and a reset of a representative's space per added copy (the demo has
neither: without them those queues list nothing), then, for the demo's Jo, chained events up to
10,000 lines of her journal (the bytes and hashes ``audit.chain.append`` makes, dated over the last
200 days, names seen in lists grouped one line per team and day as the journal groups them). Starts
gunicorn (``relais.wsgi`` with ``bench.settings``, DEBUG off) and signs each role in by a session:
the worker Camille (the person page of Jo, the reference; her persons, her handover, her renewals,
Jo's representatives), the worker Nadia (the renewals of the team whose consent ends soon), Jo (her
space's home, inbox, journal, receipts, notes, disagreements, representatives), Lucie, Jo's trusted
person (her space's home, Jo's journal, her role) and the deployment's auditor (the log's first page,
the emergency accesses', disagreements' and resets' queues). Then:

- each page three times in-process (the test client): its SQL statements, their time, the
  template's time, the request's (medians);
- BENCH_ROUNDS interleaved rounds over HTTP, each asking every page once in a shuffled order, every
  answer checked (200, the page's own title, never the sign-in page): median, p95, and each page's
  median over the person page's;
- for each page slower than 1.5x the person page: its heaviest statements and where its Python goes;
- afterwards, that the log grew by exactly the events the requests imply (each page's, counted once
  before the rounds), and ``chain.verify()`` (what ``verify_audit`` runs).

Target (issue "every page that lists"): no page slower than 1.5x the person page, at 10x the demo's
data and for a person with 10,000 journal lines.

    .venv/bin/python bench/pages.py

Environment: BENCH_ROUNDS (default 60), BENCH_COPIES (the demo's persons this many times, default 10),
BENCH_JOURNAL_LINES (default 10000), BENCH_PORT (default 8791), BENCH_WORKERS (gunicorn workers,
default 3), BENCH_DATABASE_URL (an empty PostgreSQL database to use; by default
``relais_bench_pages_<pid>`` is created on 127.0.0.1:5432 and dropped at the end). The keys, the cache
and the checkpoints live in a temporary RELAIS_VAR_DIR of the run's own.
"""

from __future__ import annotations

import cProfile
import http.client
import io
import os
import pstats
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = "postgres://postgres@127.0.0.1:5432"
OWN_DATABASE = f"relais_bench_pages_{os.getpid()}"
OWN = "BENCH_DATABASE_URL" not in os.environ
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", f"{SERVER}/{OWN_DATABASE}")
VAR_DIR = tempfile.mkdtemp(prefix="relais_bench_pages_")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ["DEBUG"] = "False"
os.environ["RELAIS_VAR_DIR"] = VAR_DIR
warnings.filterwarnings("ignore", "No directory at")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))
COPIES = int(os.environ.get("BENCH_COPIES", "10"))
JOURNAL_LINES = int(os.environ.get("BENCH_JOURNAL_LINES", "10000"))
PORT = int(os.environ.get("BENCH_PORT", "8791"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
TARGET = 1.5
JOURNAL_DAYS = 200
LISTS_PER_TEAM_AND_DAY = 3  # names seen in lists, grouped by the journal into one line

if OWN:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{OWN_DATABASE}"')

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.template.backends.django import Template as DjangoTemplate  # noqa: E402
from django.test import Client as TestClient  # noqa: E402
from django.utils import timezone  # noqa: E402

from audit import chain, recorder  # noqa: E402
from audit.models import AccessEvent, Action, Outcome  # noqa: E402
from audit.recorder import Event  # noqa: E402
from bench.serving import start_gunicorn  # noqa: E402
from consent.consents import services as consent_services  # noqa: E402
from consent.disagreements import services as disagreements  # noqa: E402
from consent.emergency import services as glass  # noqa: E402
from consent.information.first_texts import FIRST_VERSION  # noqa: E402
from consent.models import Consent, InformationText, LegalBasis, Method, Representative  # noqa: E402
from consent.representation import services as representatives  # noqa: E402
from consent.space import activation, journal  # noqa: E402
from records import follow_ups  # noqa: E402
from records import services as record_services  # noqa: E402
from records.models import Note, Person  # noqa: E402
from relais.management.commands import seed_demo  # noqa: E402
from teams import accounts  # noqa: E402
from teams.models import Category, Team, User  # noqa: E402

# The builder's own process hashes the copies' passwords fast (as the tests do); nothing here signs
# in with a password: every role is signed in by a session, and gunicorn never hashes one.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TITLE = re.compile(rb"<title>(.*?)</title>", re.S)


# The world --------------------------------------------------------------------------------------------


def demo_copy(number: int, teams: dict[str, Team], users: dict[str, User]) -> None:
    """One more copy of the demo's persons, as ``seed_demo`` makes them, through the same services:
    Jo (her own space, followed by CSAPA at her request, a consent to each team, one ending in ten
    days), Karim (an emergency access waiting for review), Sandrine (a withdrawn consent), their
    notes, Jo's trusted person with a space of her own and Sandrine's curator."""
    maraude, csapa = teams["Maraude Nord"], teams["CSAPA Horizon"]
    camille, nadia = users["camille"], users["nadia"]
    persons = {}
    for fields in seed_demo.PERSONS:
        named = {**fields, "display_name": f"{fields['display_name']} {number}"}
        persons[fields["display_name"]] = record_services.create_person(
            user=camille, team_id=maraude.pk, **named
        ).person
    jo, sandrine = persons["Jo"], persons["Sandrine"]
    jo.account = accounts.create_user(by=seed_demo.SYSTEM, username=f"jo{number}", display_name="Jo")
    jo.account.password = users["camille"].password
    jo.account.save(update_fields=["password"])
    jo.save(update_fields=["account"])
    follow_ups.ask_to_be_followed(user=jo.account, team_id=csapa.pk)
    told = InformationText.objects.get(version=FIRST_VERSION, language="fr", easy_read=False)
    told_easy = InformationText.objects.get(version=FIRST_VERSION, language="fr", easy_read=True)
    consent_services.record_consent(
        user=camille,
        person_id=jo.pk,
        team_id=maraude.pk,
        categories=["contact", "housing", "support_plan", "administrative"],
        purpose="Continuité de l'accompagnement vers le logement",
        method=Method.ORAL,
        information=told.pk,
        legal_basis=LegalBasis.CASF_L121_6_2,
    )
    consent_services.record_consent(
        user=nadia,
        person_id=jo.pk,
        team_id=csapa.pk,
        categories=["health", "support_plan"],
        purpose="Coordination du suivi de soins",
        method=Method.WRITTEN,
        valid_until=timezone.now() + timedelta(days=10),
        information=told_easy.pk,
        legal_basis=LegalBasis.CSP_L1110_4,
    )
    withdrawn = consent_services.record_consent(
        user=camille,
        person_id=sandrine.pk,
        team_id=maraude.pk,
        categories=["support_plan"],
        purpose="Projet de formation",
        method=Method.ORAL,
        information=told.pk,
        legal_basis=LegalBasis.CASF_L121_6_2,
    )
    consent_services.withdraw_consent(user=camille, consent_id=withdrawn.pk, method=Method.ORAL)
    categories = {c.code: c.pk for c in Category.objects.all()}
    for name, author, category, body in seed_demo.NOTES:
        team = maraude if users[author].memberships.filter(team=maraude).exists() else csapa
        if team == csapa and not Consent.objects.filter(person=persons[name], team=csapa).exists():
            continue
        Note.objects.create(
            person=persons[name], team=team, author=users[author], category_id=categories[category], body=body
        )
    glass.break_glass(
        user=camille,
        person_id=persons["Karim"].pk,
        team_id=maraude.pk,
        categories=["contact", "housing"],
        reason="cannot_be_asked",
        statement="Karim est hospitalisé et injoignable : il faut organiser sa sortie avec l'hôpital.",
        hours=4,
    )
    _lucie, code, _invitation = representatives.record_representative(
        user=camille,
        person_id=jo.pk,
        name="Lucie Marchand (sa sœur)",
        kind=Representative.Kind.TRUSTED_PERSON,
        scope=Representative.Scope.BOTH,
        evidence="Désignation écrite et signée par Jo le 2 octobre 2026, copie au dossier.",
    )
    activation.activate(code=code, username=f"lucie{number}", password=seed_demo.PASSWORD)
    representatives.record_representative(
        user=camille,
        person_id=sandrine.pk,
        name="Association tutélaire du Nord",
        kind=Representative.Kind.CURATOR,
        scope=Representative.Scope.CONSENTS,
        evidence="Jugement du juge des contentieux de la protection de Lille, 14 mai 2026 (curatelle).",
    )


def queues(camille: User) -> None:
    """What the auditors' queues list beyond the emergency accesses: each Jo disagrees with the
    record of her first consent; each added copy's trusted person gets a new code from Camille and
    opens her space again with it (a reset handed over by its maker: restricted, to review)."""
    for person in Person.objects.filter(account__isnull=False).select_related("account").order_by("pk"):
        first = AccessEvent.objects.filter(person_id=person.pk, action=Action.CONSENT_RECORD).order_by("id")
        disagreements.disagree(
            user=person.account,
            statement="Je n'ai pas donné mon accord pour tout cela.",
            event_id=first.values_list("id", flat=True).first(),
        )
    for agent in Representative.objects.filter(account__isnull=False).exclude(account__username="lucie"):
        code, _invitation = representatives.new_code_for(user=camille, representative_id=agent.pk)
        activation.activate(code=code, username=agent.account.username, password=seed_demo.PASSWORD)


def append_dated(entries: list[dict[str, Any]]) -> None:
    """``chain.append`` for events that happened earlier: the same bodies, ids and links, each event
    at its own time ``t`` (``append`` stamps the time of the append)."""
    link_to = chain.Linker(settings.RELAIS_AUDIT_KEY)
    with transaction.atomic():
        number, seq, digest, ids = chain.lock_head(count=len(entries))
        previous = bytes.fromhex(digest)
        rows = []
        for entry, event_id in zip(entries, ids, strict=True):
            seq += 1
            body = chain.body_bytes({**entry, "chain": number, "seq": seq})
            previous = link_to(previous, body, event_id)
            rows.append((event_id, body.decode("ascii"), previous.hex()))
        with connection.cursor() as cursor:
            cursor.executemany(chain._INSERT + "(%s, %s, %s)", rows)


def journal_lines(user: User) -> int:
    """How many lines the journal of ``user``'s space has (without their own visits), as its page counts."""
    return journal.journal(user=user).rows.count()


def fill_journal(jo: User, person: Person, users: dict[str, User], lines: int) -> int:
    """Chained events about ``person`` until her journal has ``lines`` lines: over the last
    JOURNAL_DAYS days, the four workers of her two teams open her record, read her notes and her
    consents (2% of it refused), and see her name in lists (grouped: one line per team and day)."""
    missing = lines - journal_lines(jo)
    rng = random.Random(7)
    maraude = Team.objects.get(name="Maraude Nord")
    csapa = Team.objects.get(name="CSAPA Horizon")
    workers = [
        (users["camille"], maraude),
        (users["sami"], maraude),
        (users["nadia"], csapa),
        (users["yves"], csapa),
    ]
    consents = {
        team.pk: Consent.objects.filter(person=person, team=team).values_list("pk", flat=True).first()
        for team in (maraude, csapa)
    }
    shared = {
        team.pk: sorted(Consent.objects.get(pk=consents[team.pk]).categories.values_list("code", flat=True))
        for team in (maraude, csapa)
    }
    notes = {
        team.pk: list(Note.objects.filter(person=person, team=team).values_list("pk", flat=True))
        for team in (maraude, csapa)
    }
    kinds = [
        (Action.PERSON_VIEW, "person", 30),
        (Action.NOTE_LIST, "note", 30),
        (Action.NOTE_VIEW, "note", 25),
        (Action.CONSENT_VIEW, "consent", 10),
        (Action.RECEIPT_VIEW, "consent", 5),
    ]
    grouped = 2 * JOURNAL_DAYS
    others = missing - grouped
    assert others > 0, f"the journal already has {lines - missing} lines"
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    dated: list[tuple[datetime, User, Event]] = []
    for day in range(JOURNAL_DAYS, 0, -1):
        start = today - timedelta(days=day)
        for team in (maraude, csapa):
            actor = users["camille"] if team == maraude else users["nadia"]
            for _ in range(LISTS_PER_TEAM_AND_DAY):
                at = start + timedelta(hours=8, seconds=rng.randrange(12 * 3600))
                listed = Event(
                    action=Action.PERSON_LIST,
                    person_id=person.pk,
                    team_id=team.pk,
                    object_type="person",
                    object_ids=[person.pk],
                )
                dated.append((at, actor, listed))
        for _ in range(others // JOURNAL_DAYS + (1 if JOURNAL_DAYS - day < others % JOURNAL_DAYS else 0)):
            actor, team = rng.choice(workers)
            action, object_type = rng.choices([k[:2] for k in kinds], weights=[k[2] for k in kinds])[0]
            denied = rng.random() < 0.02
            ids = rng.sample(notes[team.pk], k=min(3, len(notes[team.pk]))) if object_type == "note" else []
            event = Event(
                action=action,
                outcome=Outcome.DENIED if denied else Outcome.ALLOWED,
                person_id=person.pk,
                team_id=team.pk,
                object_type=object_type,
                object_ids=ids[:1] if action == Action.NOTE_VIEW else ids,
                categories=shared[team.pk] if not denied else [],
                consent_id=consents[team.pk] if not denied else None,
                reason="category not shared with the team" if denied else "",
            )
            dated.append((start + timedelta(hours=8, seconds=rng.randrange(12 * 3600)), actor, event))
    dated.sort(key=lambda item: item[0])
    entries = []
    for at, actor, event in dated:
        [entry] = recorder._entries(actor, [event], None)
        entry.update(request_id=f"{rng.getrandbits(128):032x}", ip="10.0.0.12", t=int(at.timestamp() * 10**6))
        entries.append(entry)
    for start in range(0, len(entries), 500):
        append_dated(entries[start : start + 500])
    return len(entries)


def build() -> dict[str, Any]:
    """The demo, ``COPIES`` times its persons, the queues, and Jo's journal: what the pages need."""
    began = time.perf_counter()
    call_command("seed_demo", stdout=io.StringIO())
    teams = {team.name: team for team in Team.objects.all()}
    users = {user.username: user for user in User.objects.all()}
    for number in range(2, COPIES + 1):
        with recorder.unit_of_work():
            demo_copy(number, teams, users)
    with recorder.unit_of_work():
        queues(users["camille"])
    users = {user.username: user for user in User.objects.all()}
    jo = Person.objects.get(account__username="jo")
    written = fill_journal(users["jo"], jo, users, JOURNAL_LINES)
    with connection.cursor() as cursor:  # as autovacuum would, once the data has settled
        cursor.execute("ANALYZE")
    world = {
        "users": users,
        "jo": jo,
        "persons": Person.objects.count(),
        "notes": Note.objects.count(),
        "consents": Consent.objects.count(),
        "events": AccessEvent.objects.count(),
        "journal_events": written,
        "journal_lines": journal_lines(users["jo"]),
        "seconds": time.perf_counter() - began,
    }
    return world


# The pages -----------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    user: str  # who asks it
    path: str
    title: bytes = b""  # the page's own <title>, as first answered
    events: int = 0  # the events one request of it adds to the log
    times: list[float] = field(default_factory=list)
    statements: int = 0
    sql_ms: float = 0.0
    template_ms: float = 0.0
    inprocess_ms: float = 0.0


def pages_of(jo: Person) -> list[Page]:
    return [
        Page("person page (reference)", "camille", f"/persons/{jo.pk}/"),
        Page("persons (worker's list)", "camille", "/persons/"),
        Page("handover", "camille", "/handover/"),
        Page("renewals (Camille)", "camille", "/renewals/"),
        Page("renewals (Nadia)", "nadia", "/renewals/"),
        Page("representatives (worker)", "camille", f"/persons/{jo.pk}/representatives/"),
        Page("portal home (Jo)", "jo", "/portal/"),
        Page("inbox (Jo)", "jo", "/portal/notices/"),
        Page("journal (Jo)", "jo", "/portal/journal/"),
        Page("receipts (Jo)", "jo", "/portal/receipts/"),
        Page("my notes (Jo)", "jo", "/portal/notes/"),
        Page("my disagreements (Jo)", "jo", "/portal/disagreements/"),
        Page("representatives (Jo)", "jo", "/portal/representatives/"),
        Page("portal home (Lucie)", "lucie", "/portal/"),
        Page("journal (Lucie, for Jo)", "lucie", "/portal/journal/"),
        Page("role (Lucie)", "lucie", "/portal/representatives/"),
        Page("audit log, first page", "audit", "/audit/"),
        Page("queue: emergencies", "audit", "/audit/emergencies/"),
        Page("queue: disagreements", "audit", "/audit/disagreements/"),
        Page("queue: space resets", "audit", "/audit/resets/"),
    ]


def session_for(user: User) -> str:
    """A signed-in session, as the sign-in makes it (no second factor: not required here, none enrolled)."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "teams.backends.UserBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def ask(path: str, session: str) -> tuple[float, int, bytes]:
    """One GET over a connection of its own (gunicorn's sync workers close after each answer)."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, response.status, body


def title_of(body: bytes) -> bytes:
    found = TITLE.search(body)
    return found.group(1).strip() if found else b""


def checked(page: Page, status: int, body: bytes) -> None:
    """The page itself: 200, not the sign-in page, and the title it answered first."""
    title = title_of(body)
    if status != 200 or b'name="password"' in body or (page.title and title != page.title):
        raise SystemExit(f"{page.name} ({page.path}): {status}, title {title!r}, expected {page.title!r}")


# In-process measure and profile --------------------------------------------------------------------


@dataclass
class Trace:
    statements: list[tuple[str, float, bool]] = field(default_factory=list)  # sql, seconds, in template
    params: list[Any] = field(default_factory=list)  # each statement's parameters
    template: float = 0.0
    depth: int = 0


@contextmanager
def traced() -> Iterator[Trace]:
    """Every statement with its time, and whether the template ran it; the templates' own time."""
    trace = Trace()
    render = DjangoTemplate.render

    def timed_render(self: DjangoTemplate, *args: Any, **kwargs: Any) -> Any:
        trace.depth += 1
        start = time.perf_counter()
        try:
            return render(self, *args, **kwargs)
        finally:
            trace.depth -= 1
            if trace.depth == 0:
                trace.template += time.perf_counter() - start

    def timed_sql(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            trace.statements.append((sql, time.perf_counter() - start, trace.depth > 0))
            trace.params.append(params)

    DjangoTemplate.render = timed_render  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(timed_sql):
            yield trace
    finally:
        DjangoTemplate.render = render  # type: ignore[method-assign]


def in_process(page: Page, session: str) -> tuple[Trace, float, int]:
    client = TestClient()
    client.cookies["sessionid"] = session
    before = AccessEvent.objects.count()
    with traced() as trace:
        start = time.perf_counter()
        response = client.get(page.path)
        elapsed = time.perf_counter() - start
    checked(page, response.status_code, response.content)
    return trace, elapsed, AccessEvent.objects.count() - before


def shape(sql: str) -> str:
    """A statement with its literals and lists of parameters folded, to count repeats."""
    return re.sub(r"\s+", " ", re.sub(r"(%s|\d+)(, (%s|\d+))*", "?", sql))[:230]


def profile(page: Page, session: str) -> int:
    """Where a slow page's time goes: its heaviest statements (by shape, with repeats), and the
    Python functions under its request. Returns the events the two requests added."""
    trace, elapsed, added = in_process(page, session)
    sql = sum(t for _s, t, _in in trace.statements)
    in_template = sum(t for _s, t, inside in trace.statements if inside)
    print(
        f"\n## {page.name} ({page.path}): in-process {elapsed * 1000:.1f} ms, "
        f"{len(trace.statements)} statements in {sql * 1000:.1f} ms "
        f"({in_template * 1000:.1f} ms of them run by the template); template "
        f"{trace.template * 1000:.1f} ms (its SQL included); Python outside SQL and template "
        f"{(elapsed - sql - trace.template + in_template) * 1000:.1f} ms"
    )
    by_shape: dict[str, list[float]] = defaultdict(list)
    for statement, seconds, _inside in trace.statements:
        by_shape[shape(statement)].append(seconds)
    print("  heaviest statements (count, total ms, shape):")
    for text, times in sorted(by_shape.items(), key=lambda item: -sum(item[1]))[:8]:
        print(f"    {len(times):>3} x  {sum(times) * 1000:7.2f} ms  {text}")
    heaviest = max(range(len(trace.statements)), key=lambda i: trace.statements[i][1])
    statement = trace.statements[heaviest][0]
    if statement.lstrip().upper().startswith("SELECT"):
        print(f"  EXPLAIN ANALYZE of the heaviest statement ({len(statement)} characters):")
        print(f"    {statement[:700]}{' ...' if len(statement) > 700 else ''}")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", trace.params[heaviest])
            plan = [line for (line,) in cursor.fetchall()]
        for line in plan if len(plan) <= 30 else [*plan[:18], "    ...", *plan[-9:]]:
            print(f"    {line[:260]}{' ...' if len(line) > 260 else ''}")
    client = TestClient()
    client.cookies["sessionid"] = session
    before = AccessEvent.objects.count()
    profiler = cProfile.Profile()
    profiler.enable()
    response = client.get(page.path)
    profiler.disable()
    checked(page, response.status_code, response.content)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(rf"^{ROOT}/(relais|records|consent|access|audit|teams|web|core)/", 14)
    print("  cProfile, the project's functions by cumulative time:")
    for line in out.getvalue().splitlines():
        if re.match(r"\s+\d", line):
            print(f"    {line.strip()[:170]}")
    return added + AccessEvent.objects.count() - before


# The run -------------------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> None:
    load_start = Path("/proc/loadavg").read_text().strip()
    began = time.perf_counter()
    print(f"{datetime.now(tz=UTC):%Y-%m-%d %H:%M:%S} UTC, load average at the start: {load_start}")
    call_command("migrate", verbosity=0)
    world = build()
    print(
        f"world ({COPIES}x the demo) built in {world['seconds']:.1f} s: {world['persons']} persons, "
        f"{world['notes']} notes, {world['consents']} consents, {world['events']} events "
        f"({world['journal_events']} of them for Jo's journal); Jo's journal: {world['journal_lines']} lines"
    )
    assert world["journal_lines"] == JOURNAL_LINES, world["journal_lines"]
    users: dict[str, User] = world["users"]
    pages = pages_of(world["jo"])
    sessions = {name: session_for(users[name]) for name in {page.user for page in pages}}
    base = AccessEvent.objects.count()
    expected = 0
    server = start_gunicorn(PORT, WORKERS)
    print(f"gunicorn: {WORKERS} workers on 127.0.0.1:{PORT}, cores {os.cpu_count()}, {ROUNDS} rounds")
    try:
        for page in pages:  # each page's events, counted once, and its title
            before = AccessEvent.objects.count()
            _elapsed, status, body = ask(page.path, sessions[page.user])
            checked(page, status, body)
            page.title = title_of(body)
            page.events = AccessEvent.objects.count() - before
            expected += page.events
            print(f"  {page.name:<26} {page.user:<8} {page.path:<30} {page.title.decode()}")
        for page in pages:  # statements and where the time goes, in-process: the median of three
            runs = []
            for _ in range(3):
                trace, elapsed, added = in_process(page, sessions[page.user])
                if added != page.events:
                    raise SystemExit(f"{page.name}: {added} events in-process, {page.events} over HTTP")
                expected += added
                sql = sum(t for _s, t, _in in trace.statements)
                runs.append((elapsed, sql, trace.template, len(trace.statements)))
            page.inprocess_ms = statistics.median(r[0] for r in runs) * 1000
            page.sql_ms = statistics.median(r[1] for r in runs) * 1000
            page.template_ms = statistics.median(r[2] for r in runs) * 1000
            page.statements = runs[-1][3]
        order = list(range(len(pages)))
        for number in range(ROUNDS):
            random.Random(number).shuffle(order)
            for index in order:
                page = pages[index]
                elapsed, status, body = ask(page.path, sessions[page.user])
                checked(page, status, body)
                page.times.append(elapsed * 1000)
                expected += page.events
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    reference = statistics.median(pages[0].times)
    print(
        f"\n{'page':<26} {'URL':<24} {'median':>7} {'p95':>7} {'ratio':>6} {'SQL':>4} {'SQL ms':>7} "
        f"{'tmpl ms':>7} {'in-proc':>7} {'events':>6}"
    )
    slow = []
    for page in pages:
        median = statistics.median(page.times)
        ratio = median / reference
        flag = "  > 1.5x" if ratio > TARGET else ""
        if ratio > TARGET:
            slow.append(page)
        path = page.path if len(page.path) <= 24 else page.path[:21] + "..."
        print(
            f"{page.name:<26} {path:<24} {median:7.1f} {p95(page.times):7.1f} {ratio:6.2f} "
            f"{page.statements:>4} {page.sql_ms:7.1f} {page.template_ms:7.1f} {page.inprocess_ms:7.1f} "
            f"{page.events:>6}{flag}"
        )
    print(
        f"(median and p95: ms over HTTP, {ROUNDS} interleaved rounds; SQL: statements of one request, "
        "in-process, and their time; tmpl: the template's time, its own SQL included; in-proc: the whole "
        "request in-process (medians of three); events: what one request adds to the log)"
    )
    print(
        f"target: no page above {TARGET}x the person page ({reference:.1f} ms): "
        + ("met" if not slow else f"NOT met by {len(slow)}: " + ", ".join(p.name for p in slow))
    )
    for page in slow:
        expected += profile(page, sessions[page.user])
    grown = AccessEvent.objects.count() - base
    print(f"\nJo's journal at the end: {journal_lines(users['jo'])} lines (the rounds' reads added some)")
    print(
        f"events: the log grew by {grown}, the requests imply {expected}: "
        f"{'exact' if grown == expected else 'MISMATCH'}"
    )
    verdict = chain.verify()
    print(
        f"verify_audit: {'ok' if verdict.ok else f'BROKEN at {verdict.first_bad}: {verdict.reason}'}, "
        f"{verdict.checked} events checked"
    )
    print(
        f"{datetime.now(tz=UTC):%Y-%m-%d %H:%M:%S} UTC, load average at the end: "
        f"{Path('/proc/loadavg').read_text().strip()}; {time.perf_counter() - began:.0f} s in all"
    )
    if grown != expected or not verdict.ok:
        sys.exit(1)


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        shutil.rmtree(VAR_DIR, ignore_errors=True)
        if OWN:
            with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{OWN_DATABASE}" WITH (FORCE)')
