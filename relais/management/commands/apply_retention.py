"""Archive, then erase, the records of persons whose every follow-up ended long ago (issue 24).

Run it daily, as the owner role (``DATABASE_OWNER_URL``), like ``purge_audit``: it tells the persons
whose space is open before each step, archives, erases, and records each step in the log.
``--dry-run`` says what it would do and writes nothing."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from audit import purge, recorder
from relais.retention import job
from relais.retention.periods import periods_for


class Command(BaseCommand):
    help = "Archive, then erase, the records whose retention time has come (--dry-run: only say it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="say what would be done; write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        periods = periods_for()
        self.stdout.write(
            f"Archive {periods.archive_after_years} year(s) after the last follow-up ended, erase "
            f"{periods.erase_after_years} year(s) later; tell {periods.notice.days} day(s) before."
        )
        report = job.run(actor=recorder.system("apply_retention"), using=purge.owner_alias(), dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        for label, ids in (
            ("told their file will be archived", report.told_of_archiving),
            ("archived", report.archived),
            ("told their file will be erased", report.told_of_erasure),
            ("erased", report.erased),
        ):
            shown = ", ".join(f"#{pk}" for pk in ids)
            self.stdout.write(f"{len(ids)} person(s) {verb} {label}" + (f": {shown}" if ids else "."))
        if report.removed:
            self.stdout.write(
                "Rows removed: " + ", ".join(f"{t} {n}" for t, n in sorted(report.removed.items()))
            )
