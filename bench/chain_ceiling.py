"""How many events per second the log takes, one append per transaction, from 1, 4, 16 and 32
processes on PostgreSQL: with one chain (a single head every append locks, the design before the log
had several chains), with the log's chains (``RELAIS_AUDIT_CHAINS``, 8 by default; 32 too), and
the same insert with no head at all (the ceiling no chaining can pass).

Each configuration gets a throw-away database (created on 127.0.0.1:5432 and dropped); each process
appends through ``recorder.record`` in its own transaction, as a request does, for BENCH_SECONDS
(default 5). After every chained run ``verify_audit`` must pass over what was written.

Target (issue "Faster"): at least 1,500 appends/s at 32 processes with the log's chains.
"""

import multiprocessing
import os
import sys
import time
import warnings
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = "postgres://postgres@127.0.0.1:5432"
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
PROCESSES = [int(n) for n in os.environ.get("BENCH_PROCESSES", "1,4,16,32").split(",")]
warnings.filterwarnings("ignore", "No directory at")


def _django(database: str, chains: int) -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "relais.settings"
    os.environ["DEBUG"] = "False"
    os.environ["RELAIS_AUDIT_CHAINS"] = str(chains)
    import django

    django.setup()


def _worker(database: str, chains: int, mode: str, start, stop_at, counts, index: int, ready) -> None:
    _django(database, chains)
    from django.db import connection, transaction

    from audit import chain, recorder
    from audit.recorder import Event

    system = recorder.system("bench")
    connection.ensure_connection()
    done = 0
    with ready.get_lock():
        ready.value += 1
    start.wait()
    deadline = stop_at.value
    if mode == "bare":
        while time.time() < deadline:
            # The same bytes an append writes, in a chain of its own per process (no head, no link).
            entry = {"action": "person.view", "chain": 1000 + index, "seq": done + 1, "t": 0, "person": 1}
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO audit_accessevent (id, body, hash) "
                    "VALUES (nextval(pg_get_serial_sequence('audit_accessevent', 'id')), %s, %s)",
                    [chain.body_bytes(entry).decode(), "0" * 64],
                )
            done += 1
    else:
        while time.time() < deadline:
            with transaction.atomic():
                recorder.record(system, Event(action="person.view", person_id=index + 1))
            done += 1
    counts[index] = done
    connection.close()


def run(chains: int, mode: str, processes: int) -> tuple[float, str]:
    database = f"relais_bench_chain_{os.getpid()}_{mode}_{chains}_{processes}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    try:
        setup = multiprocessing.get_context("spawn").Process(target=_migrate, args=(database, chains))
        setup.start()
        setup.join()
        context = multiprocessing.get_context("spawn")
        start = context.Event()
        stop_at = context.Value("d", 0.0)
        counts = context.Array("i", processes)
        ready = context.Value("i", 0)
        workers = [
            context.Process(target=_worker, args=(database, chains, mode, start, stop_at, counts, i, ready))
            for i in range(processes)
        ]
        for worker in workers:
            worker.start()
        while ready.value < processes:  # every process set up and connected before the clock starts
            time.sleep(0.1)
        stop_at.value = time.time() + SECONDS
        start.set()
        for worker in workers:
            worker.join()
        rate = sum(counts) / SECONDS
        verdict = "" if mode == "bare" else _verify(database, chains)
        return rate, verdict
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _migrate(database: str, chains: int) -> None:
    _django(database, chains)
    from django.core.management import call_command
    from django.db import transaction

    from audit import recorder
    from audit.recorder import Event

    call_command("migrate", verbosity=0)
    with transaction.atomic():  # every chain's head made before the clock starts
        recorder.record(recorder.system("bench"), Event(action="audit.chain_start"))


def _verify(database: str, chains: int) -> str:
    result = multiprocessing.get_context("spawn").Queue()
    process = multiprocessing.get_context("spawn").Process(target=_verify_in, args=(database, chains, result))
    process.start()
    process.join()
    return result.get()


def _verify_in(database: str, chains: int, result) -> None:
    _django(database, chains)
    from audit import chain

    verdict = chain.verify()
    result.put(f"verified {verdict.checked}" if verdict.ok else f"BROKEN at {verdict.first_bad}")


def main() -> None:
    print(f"cores: {os.cpu_count()}, {SECONDS:.0f} s per run, one append per transaction")
    configurations = [("one chain (one lock)", 1, "chained"), ("8 chains", 8, "chained")]
    configurations += [("32 chains", 32, "chained"), ("no chain (bare insert)", 1, "bare")]
    for label, chains, mode in configurations:
        cells = []
        for processes in PROCESSES:
            rate, verdict = run(chains, mode, processes)
            cells.append(f"{processes:>2} proc {rate:7.0f}/s" + (f" ({verdict})" if verdict else ""))
        print(f"{label:<24} " + " | ".join(cells))


if __name__ == "__main__":
    main()
