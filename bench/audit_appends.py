"""Appends to the log through the recorder against the bare insert of the same one-row insert, at
32 processes (``BENCH_PROCESSES``), in one interleaved run on one PostgreSQL database.

The processes start once and stay connected; the run alternates rounds of ``BENCH_SECONDS`` (3 s)
each: a bare round (the same bytes an append writes, inserted with no head, no link, no lock, one
insert and its commit per transaction, as Django sends them: ``BEGIN``, the insert, ``COMMIT``) and
a recorder round (``recorder.record`` of one event in a unit of work of its own, as a request writes
it: the head, then the insert with the commit). A ratio of rates measured side by side holds on a
shared machine where absolute rates move with the load.

Prints, per mode (``BENCH_CHAINS=8,32``: one recorder mode per chain count), the median and p95
of the rounds' rates and of the appends' latencies; the ratio recorder / bare (target: at least
0.8); where a recorder append spends its time (taking the head, linking, inserting, committing:
``--profile``); then checks that the log grew by exactly the
appends counted and that ``chain.verify()`` (what ``verify_audit`` runs) passes.

BENCH_DATABASE_URL names an empty PostgreSQL database to use; by default one is created on
127.0.0.1:5432 and dropped at the end.
"""

import multiprocessing
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = "postgres://postgres@127.0.0.1:5432"
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
PROCESSES = int(os.environ.get("BENCH_PROCESSES", "32"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))  # rounds of each mode
PROFILE = "--profile" in sys.argv
# BENCH_CHAINS="8,32" puts several chain counts in the same run, each a mode of its own.
CHAINS = [int(n) for n in os.environ.get("BENCH_CHAINS", "").split(",") if n]
MODES = ("bare", *([f"recorder {n}" for n in CHAINS] or ["recorder"]))
PHASES = ("head", "link", "insert", "commit")
warnings.filterwarnings("ignore", "No directory at")


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "relais.settings"
    os.environ["DEBUG"] = "False"
    import django

    django.setup()


def _profiled(spent: dict[str, float]) -> None:
    """Time the phases of an append by wrapping the functions that make them."""
    from django.db import connection

    from audit import chain

    def timed(name, function):
        def run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start

        return run

    chain.lock_head = timed("head", chain.lock_head)
    chain._create_missing_heads = timed("missing", chain._create_missing_heads)
    linker_call = chain.Linker.__call__
    chain.Linker.__call__ = timed("link", linker_call)
    execute = type(connection.cursor()).execute

    def execute_timed(self, sql, params=None):
        name = "insert" if sql.lstrip().startswith(("WITH", "INSERT")) else "other"
        start = time.perf_counter()
        try:
            return execute(self, sql, params)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

    type(connection.cursor()).execute = execute_timed


def _worker(url: str, index: int, plan, ready, results) -> None:
    _django(url)
    from django.db import connection, transaction

    from audit import chain, recorder
    from audit.recorder import Event

    system = recorder.system("bench")
    spent = dict.fromkeys((*PHASES, "missing", "other"), 0.0)
    if PROFILE:
        _profiled(spent)
    connection.ensure_connection()
    sequence = 0
    with ready.get_lock():
        ready.value += 1
    from django.conf import settings

    for round_number in range(len(MODES) * ROUNDS):
        while plan.value < round_number + 1:  # the coordinator opens round n by setting n + 1
            time.sleep(0.002)
        mode = MODES[round_number % len(MODES)]
        if mode != "bare" and CHAINS:
            settings.RELAIS_AUDIT_CHAINS = int(mode.split()[1])
        deadline = time.time() + SECONDS
        latencies = []
        for key in spent:
            spent[key] = 0.0
        while time.time() < deadline:
            start = time.perf_counter()
            if mode == "bare":
                sequence += 1
                entry = {"action": "person.view", "chain": 1000 + index, "seq": sequence, "t": 0}
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        "INSERT INTO bench_bare_event (id, body, hash) "
                        "VALUES (nextval(pg_get_serial_sequence('audit_accessevent', 'id')), %s, %s)",
                        [chain.body_bytes({**entry, "person": index + 1}).decode(), "0" * 64],
                    )
            else:
                # As a request writes it: a unit of work whose one event is written at its end.
                work = recorder.unit_of_work()
                work.__enter__()
                recorder.record(system, Event(action="person.view", person_id=index + 1))
                before_end = time.perf_counter()
                before = sum(spent[phase] for phase in ("head", "link", "insert"))  # head holds missing
                work.__exit__(None, None, None)
                during = sum(spent[phase] for phase in ("head", "link", "insert")) - before
                # What the end of the unit of work spends besides the append's phases: its commit.
                spent["commit"] += time.perf_counter() - before_end - during
            latencies.append(time.perf_counter() - start)
        results.put((round_number, mode, index, latencies, dict(spent)))
    connection.close()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _prepare(url: str, result) -> None:
    _django(url)
    from django.core.management import call_command
    from django.db import connection, transaction

    from audit import recorder
    from audit.models import AccessEvent
    from audit.recorder import Event

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:  # the same table, its generated columns and indexes: no chain
        cursor.execute("CREATE TABLE bench_bare_event (LIKE audit_accessevent INCLUDING ALL)")
    with transaction.atomic():  # every chain's head made before the clock starts
        recorder.record(recorder.system("bench"), Event(action="audit.view"))
    result.put(AccessEvent.objects.exclude(action="audit.chain_start").count())


def _after(url: str, result) -> None:
    _django(url)
    from django.db import connection

    from audit import chain
    from audit.models import AccessEvent

    verdict = chain.verify()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_bare_event")
        bare = cursor.fetchone()[0]
    # A chain started in the run (BENCH_CHAINS above the default) adds its first event: no append.
    appended = AccessEvent.objects.exclude(action="audit.chain_start").count()
    result.put((appended, bare, verdict.ok, verdict.checked, verdict.first_bad))


def _in_process(target, url: str):
    context = multiprocessing.get_context("spawn")
    result = context.Queue()
    process = context.Process(target=target, args=(url, result))
    process.start()
    value = result.get()
    process.join()
    return value


def main() -> None:
    own = "BENCH_DATABASE_URL" not in os.environ
    database = f"relais_bench_appends_{os.getpid()}"
    url = os.environ.get("BENCH_DATABASE_URL", f"{SERVER}/{database}")
    if own:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
    try:
        run(url)
    finally:
        if own:
            with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def run(url: str) -> None:
    load = os.getloadavg()[0]
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, cores: {os.cpu_count()}, load {load:.1f}; "
        f"{PROCESSES} processes, {ROUNDS} rounds of each mode, {SECONDS:.0f} s each, interleaved"
    )
    before = _in_process(_prepare, url)
    context = multiprocessing.get_context("spawn")
    plan = context.Value("i", 0)
    ready = context.Value("i", 0)
    results = context.Queue()
    workers = [
        context.Process(target=_worker, args=(url, index, plan, ready, results)) for index in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    while ready.value < PROCESSES:
        time.sleep(0.1)
    rates: dict[str, list[float]] = {mode: [] for mode in MODES}
    latencies: dict[str, list[float]] = {mode: [] for mode in MODES}
    spent: dict[str, dict[str, float]] = {mode: {} for mode in MODES}
    appended = {mode: 0 for mode in MODES}
    for round_number in range(len(MODES) * ROUNDS):
        plan.value = round_number + 1
        done = 0
        for _ in range(PROCESSES):
            number, mode, _index, times, phases = results.get()
            assert number == round_number
            done += len(times)
            latencies[mode] += times
            if mode != "bare":
                for key, value in phases.items():
                    spent[mode][key] = spent[mode].get(key, 0.0) + value
        appended[mode] += done
        rates[mode].append(done / SECONDS)
        print(f"  round {round_number + 1:>2} {mode:<11} {done / SECONDS:7.0f}/s")
    for worker in workers:
        worker.join()
    print()
    for mode in MODES:
        print(
            f"{mode:<11} rate median {statistics.median(rates[mode]):7.0f}/s (p95 of rounds "
            f"{_percentile(rates[mode], 0.95):.0f}); latency median "
            f"{statistics.median(latencies[mode]) * 1000:.1f} ms, "
            f"p95 {_percentile(latencies[mode], 0.95) * 1000:.1f} ms"
        )
    recorders = [mode for mode in MODES if mode != "bare"]
    for mode in recorders:
        ratio = statistics.median(rates[mode]) / statistics.median(rates["bare"])
        print(f"{mode} / bare: {ratio:.2f} (target at least 0.8)")
        if PROFILE:
            total = sum(latencies[mode])
            count = len(latencies[mode])
            # head includes missing; the rest of the latency is Python (the recorder, Django's atomic).
            named = {key: spent[mode].get(key, 0.0) for key in ("head", "missing", "link", "insert")}
            named["commit"] = spent[mode].get("commit", 0.0)  # the insert carries the commit itself
            named["python"] = total - named["head"] - named["link"] - named["insert"] - named["commit"]
            print(f"  where an append's time goes ({mode}; mean per append, share of its latency):")
            for key, value in named.items():
                print(f"    {key:<7} {value / count * 1000:6.2f} ms {value / total:6.1%}")
    count, bare, ok, checked, first_bad = _in_process(_after, url)
    grew = count - before
    chained = sum(appended[mode] for mode in recorders)
    exact = grew == chained and bare == appended["bare"]
    print(
        f"log grew by {grew} events for {chained} appends counted, bare table {bare} for "
        f"{appended['bare']}: {'exact' if exact else 'DIFFERS'}"
    )
    print(f"verify: {'ok' if ok else f'BROKEN at {first_bad}'}, {checked} checked")
    if not exact or not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
