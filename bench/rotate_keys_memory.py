"""Peak memory of ``rotate_keys`` over twenty 5 MB consent forms (issue "Least privilege", §5).

Stores twenty evidence files of 5 MB each (encrypted, as the service does), adds a new field key,
then runs ``rotate_keys`` in a child process and prints its peak resident memory, with that of the
same child doing nothing but starting Django. Target: the rotation's own share stays near the size
of one or two files (bounded batches), not twenty.

Runs on a throw-away SQLite file unless BENCH_DATABASE_URL names another (empty) database.
"""

import base64
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
workdir = tempfile.mkdtemp(prefix="relais-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
os.environ["RELAIS_VAR_DIR"] = workdir
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

FILES = int(os.environ.get("BENCH_FILES", "20"))
FILE_BYTES = 5 * 1024 * 1024
# The high-water mark of the child's own address space (ru_maxrss would count the parent's pages
# at fork time too).
CHILD = """
import sys
import django
django.setup()
from django.core.management import call_command
if sys.argv[1] == "rotate":
    call_command("rotate_keys", verbosity=0)
status = open("/proc/self/status").read()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
"""


def peak_kib(mode: str, env: dict) -> int:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip().splitlines()[-1])


def main() -> None:
    call_command("migrate", verbosity=0)
    from consent.consents.evidence import attach_evidence, EvidenceFile  # noqa: I001
    from tests.factories import give_consent, make_member, make_person, make_team

    team = make_team("Banc d'essai", ("housing",))
    worker = make_member(team, username="banc")
    settings.RELAIS_EVIDENCE_MAX_BYTES = FILE_BYTES
    for i in range(FILES):
        consent = give_consent(make_person(team), team, ["housing"], by=worker, method="written")
        attach_evidence(
            user=worker,
            consent=consent,
            evidence=EvidenceFile(f"form{i}.pdf", b"%PDF-" + os.urandom(FILE_BYTES - 5)),
        )
    old = ",".join(f"{key_id}:{base64.b64encode(key).decode()}" for key_id, key in settings.RELAIS_FIELD_KEYS)
    env = {
        **os.environ,
        "RELAIS_FIELD_KEYS": f"bench:{base64.b64encode(os.urandom(32)).decode()},{old}",
        "PYTHONPATH": str(ROOT),
    }
    idle, rotating = peak_kib("idle", env), peak_kib("rotate", env)
    print(
        f"{FILES} files of {FILE_BYTES // 2**20} MB: peak {rotating / 1024:.0f} MB while rotating, "
        f"{idle / 1024:.0f} MB idle; the rotation's share: {(rotating - idle) / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
