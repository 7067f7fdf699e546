"""A newcomer's first minute: a fresh clone's ``bin/serve`` until the demo answers, step by step.

Each round clones this repository (its committed HEAD) into a temporary folder and runs
``bin/serve`` there on a free port, timing each step by the line ``bin/serve`` prints when the step
starts (install, migrate, demo, server) and the last one by the first answer of the sign-in page.
Every round does it twice, each time in a new clone:

- ``cold``: empty caches of its own, made for the round: ``XDG_CACHE_HOME`` (where ``bin/setup``
  keeps the uv it bootstraps with pip), ``UV_CACHE_DIR`` (uv's wheels), ``PIP_CACHE_DIR`` and the
  npm cache all point into the round's temporary folder. So uv is installed by pip and every
  wheel is downloaded again, as on a machine that never ran Relais. (The operating system's file
  cache is not dropped: that would slow the other users of a shared machine.)
- ``warm``: a second fresh clone with the caches the cold run filled, as a newcomer's second clone.

With ``--test-setup`` it also times ``bin/setup --test-tools`` (``bin/test``'s set-up) in a third
fresh clone, with the warm caches: the install plus the test tools (Debian packages, which are
installed only when missing, and the npm packages of tests/oidc).

``RELAIS_INSTALLER=pip`` in the environment times the pip fallback instead of uv.

    .venv/bin/python bench/newcomer.py --rounds 3 [--test-setup]

Prints each step's time for every run, then the medians over the rounds.
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = {
    "== Installing": "install",
    "== Migrating": "migrate",
    "== Loading the demo": "seed_demo",
    "== Starting the server": "server start",
}
TIMEOUT = 600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clone(into: Path) -> Path:
    target = into / "relais"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True)
    return target


def environment(caches: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VIRTUAL_ENV", "RELAIS_SET_UP")}
    env.update(
        XDG_CACHE_HOME=str(caches / "xdg"),
        UV_CACHE_DIR=str(caches / "uv"),
        PIP_CACHE_DIR=str(caches / "pip"),
        npm_config_cache=str(caches / "npm"),
    )
    return env


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def serve(checkout: Path, env: dict[str, str]) -> dict[str, float]:
    """Runs bin/serve until the demo answers; returns each step's seconds and the total."""
    port = free_port()
    log = open(checkout / "serve.log", "w")  # noqa: SIM115 (closed below)
    start = time.monotonic()
    marks: list[tuple[str, float]] = []
    process = subprocess.Popen(
        ["bin/serve"],
        cwd=checkout,
        env={**env, "PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            log.write(line)
            for prefix, step in STEPS.items():
                if line.startswith(prefix):
                    marks.append((step, time.monotonic()))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while not answers(port):
            if process.poll() is not None:
                raise SystemExit(f"bin/serve stopped ({process.returncode}): see {checkout / 'serve.log'}")
            if time.monotonic() - start > TIMEOUT:
                raise SystemExit(f"no answer after {TIMEOUT} s: see {checkout / 'serve.log'}")
            time.sleep(0.1)
        answered = time.monotonic()
    finally:
        os.killpg(process.pid, 15)
        process.wait()
        reader.join(5)
        log.close()
    ends = [t for _, t in marks[1:]] + [answered]
    times = {step: end - begun for (step, begun), end in zip(marks, ends, strict=True)}
    times["total"] = answered - start
    return times


def test_setup(checkout: Path, env: dict[str, str]) -> dict[str, float]:
    start = time.monotonic()
    subprocess.run(
        ["bin/setup", "--test-tools"], cwd=checkout, env=env, check=True, stdout=subprocess.DEVNULL
    )
    return {"bin/setup --test-tools": time.monotonic() - start}


def show(label: str, times: dict[str, float]) -> None:
    print(
        f"{label:<24}" + "  ".join(f"{step} {seconds:6.1f} s" for step, seconds in times.items()), flush=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--test-setup", action="store_true", help="also time bin/setup --test-tools")
    options = parser.parse_args()
    installer = "pip (RELAIS_INSTALLER=pip)" if os.environ.get("RELAIS_INSTALLER") == "pip" else "uv"
    print(f"A fresh clone of {ROOT} (HEAD), {options.rounds} round(s), installer: {installer}")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    results: dict[str, list[dict[str, float]]] = {"cold": [], "warm": [], "test set-up": []}
    for round_ in range(1, options.rounds + 1):
        with tempfile.TemporaryDirectory(prefix="relais-newcomer-") as folder:
            caches = Path(folder) / "caches"
            env = environment(caches)
            for run in ("cold", "warm"):
                where = Path(folder) / run
                where.mkdir()
                results[run].append(serve(clone(where), env))
                show(f"round {round_} {run}", results[run][-1])
            if options.test_setup:
                where = Path(folder) / "test"
                where.mkdir()
                results["test set-up"].append(test_setup(clone(where), env))
                show(f"round {round_} test set-up", results["test set-up"][-1])
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\nMedians over {options.rounds} round(s) (load average now {os.getloadavg()[0]:.1f}):")
    for run, rows in results.items():
        if rows:
            show(run, {step: statistics.median(row[step] for row in rows) for step in rows[0]})


if __name__ == "__main__":
    sys.exit(main())
