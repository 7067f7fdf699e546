"""Remove access events older than the retention period, keeping the chain verifiable."""

import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit import purge, recorder

_AGE = re.compile(r"^(\d+)d$")


def parse_age(value: str) -> timedelta:
    match = _AGE.match(value.strip())
    if not match or int(match.group(1)) < 1:
        raise CommandError(f"--older-than takes a number of days such as 365d, not {value!r}.")
    return timedelta(days=int(match.group(1)))


class Command(BaseCommand):
    help = "Remove audit events older than --older-than (default: RELAIS_AUDIT_RETENTION_DAYS days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", default=f"{settings.RELAIS_AUDIT_RETENTION_DAYS}d")

    def handle(self, *args: Any, **options: Any) -> None:
        age = parse_age(options["older_than"])
        try:
            done = purge.purge_events(older_than=age, actor=recorder.system("purge_audit"))
        except purge.ChainBroken as exc:
            raise CommandError(f"Nothing purged: the chain is broken ({exc}). Run verify_audit.") from exc
        self.stdout.write(
            f"{done.count} events removed"
            + (f" (up to #{done.up_to_id})" if done.up_to_id else "")
            + (f"; checkpoint at {done.checkpoint['count']} events." if done.checkpoint else ".")
        )
