"""A newcomer's first minute (issue 26): what makes it shorter changes nothing that a newcomer sees,
and the benchmark times the steps that bin/serve names."""

from pathlib import Path

import pytest
from django.core.management import call_command

from bench.newcomer import STEPS
from teams.models import User

# The newcomer's commands, not the database: one database is enough.
pytestmark = pytest.mark.any_database

ROOT = Path(__file__).resolve().parents[2]
DEMO_ACCOUNTS = ["camille", "sami", "nadia", "yves", "audit", "direction", "jo", "lucie"]


def test_every_demo_account_signs_in_with_the_printed_password_though_it_is_hashed_once(db):
    call_command("seed_demo")
    for username in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        assert user.check_password("relais-demo-2026"), username
        assert not user.check_password("another-password"), username


def test_bin_serve_names_each_step_that_the_benchmark_times():
    serve = (ROOT / "bin" / "serve").read_text()
    for prefix in STEPS:
        assert f'echo "{prefix}' in serve, prefix
