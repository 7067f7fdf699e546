"""Write on the record the end of every emergency access whose time has passed (``consent.emergency.ending``).

Reads stop at an access's end time anyway; this makes the end a fact of the record, with its event,
as the other ends are. Run it from cron (hourly is fine): it is idempotent."""

from typing import Any

from django.core.management.base import BaseCommand

from consent.emergency import ending as glass_end


class Command(BaseCommand):
    help = "Record the end of the emergency accesses whose time has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        ended = glass_end.end_passed()
        self.stdout.write(f"{ended} emergency accesses ended")
