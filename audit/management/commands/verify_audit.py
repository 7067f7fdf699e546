"""Verify the access log's hash chains (R6); exit status 1 names the first bad event.

Against the latest signed checkpoint always; with ``--against FILE``, also against a stream that
``export_audit --follow`` wrote on other storage: events the stream holds and the database lost are
named, range by range."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from audit import chain, stream
from audit.models import AccessEvent


class Command(BaseCommand):
    help = (
        "Verify the audit hash chains against the latest signed checkpoint (and a stream); exit 1 if broken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the verdict as JSON.")
        parser.add_argument("--against", help="A stream of JSON lines written by export_audit --follow.")

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0 or options["json"]
        with tqdm(total=0 if quiet else AccessEvent.objects.count(), unit="ev", disable=quiet) as bar:
            verdict = chain.verify(progress=bar.update)
        compared = stream.compare(Path(options["against"])) if options["against"] else None
        if options["json"]:
            data = verdict.as_dict()
            if compared is not None:
                data["stream"] = {"ok": compared.ok, "checked": compared.checked, "missing": compared.missing}
                # The top-level verdict is the whole answer: a stream that disagrees is a failure too.
                data["ok"] = verdict.ok and compared.ok
            self.stdout.write(json.dumps(data))
        checkpoint = verdict.checkpoint
        if verdict.ok and not options["json"]:
            against = f", consistent with the checkpoint of {checkpoint['at']}" if checkpoint else ""
            later = " (events after it are held by the chains and the stream only)" if checkpoint else ""
            self.stdout.write(f"OK: {verdict.checked} events verified{against}{later}.")
        if compared is not None and compared.ok and not options["json"]:
            self.stdout.write(f"OK: the database holds the {compared.checked} events of the stream.")
        problems = []
        if not verdict.ok:
            problems.append(f"Audit chain broken at event #{verdict.first_bad}: {verdict.reason}.")
        if compared is not None and not compared.ok:
            problems.append(f"Against the stream: {compared.describe()}.")
        if problems:
            raise CommandError(" ".join(problems))
