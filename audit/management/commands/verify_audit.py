"""Verify the access log's hash chain (R6); exit status 1 names the first bad event."""

import json

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from audit import chain
from audit.models import AccessEvent


class Command(BaseCommand):
    help = "Verify the audit hash chain against the latest signed checkpoint; exit 1 on the first bad event."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the verdict as JSON.")

    def handle(self, *args, **options):
        head = AccessEvent.objects.count() if not (options["verbosity"] == 0 or options["json"]) else 0
        quiet = options["verbosity"] == 0 or options["json"]
        with tqdm(total=head or None, desc="events", unit="ev", unit_scale=True, disable=quiet) as bar:
            verdict = chain.verify(progress=bar.update)
        if options["json"]:
            self.stdout.write(json.dumps(verdict.as_dict()))
        elif verdict.ok:
            checkpoint = verdict.checkpoint
            against = f", consistent with the checkpoint of {checkpoint['at']}" if checkpoint else ""
            self.stdout.write(f"OK: {verdict.checked} events verified{against}.")
        if not verdict.ok:
            raise CommandError(f"Audit chain broken at event #{verdict.first_bad}: {verdict.reason}.")
