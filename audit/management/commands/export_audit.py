"""Export a range of the access log as CSV, as the auditors' API does, for ranges too large for HTTP."""

import sys
from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from audit import csv_export, recorder
from audit.filters import EventFilter
from audit.models import AccessEvent
from audit.recorder import Event


class Command(BaseCommand):
    help = "Write access events as CSV (formula cells escaped); filters as in the auditors' API."

    def add_arguments(self, parser):
        for name in ("actor", "person", "team", "action", "outcome", "since", "until"):
            parser.add_argument(f"--{name}")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, **options):
        filters = {k: options[k] for k in EventFilter.Meta.fields if options.get(k)}
        filterset = EventFilter(filters, queryset=AccessEvent.objects.order_by("id"))
        if not filterset.is_valid():
            raise CommandError(
                "; ".join(f"--{field}: {' '.join(messages)}" for field, messages in filterset.errors.items())
            )
        selected = filterset.qs
        count = selected.count()
        recorder.record(
            recorder.system("export_audit"),
            Event(
                action="audit.export",
                person_id=int(filters["person"]) if "person" in filters else None,
                object_type="audit_event",
                reason=f"{count} events; " + "&".join(f"{k}={v}" for k, v in sorted(filters.items())),
            ),
        )
        path = options["output"]
        target = open(path, "w", newline="", encoding="utf-8") if path else nullcontext(sys.stdout)  # noqa: SIM115
        with (
            target as out,
            tqdm(total=count, unit="ev", disable=options["verbosity"] == 0 or not path) as bar,
        ):
            for line in csv_export.lines(selected.iterator(chunk_size=5000)):
                out.write(line)
                bar.update(1)
        if path:
            self.stdout.write(f"{count} events written to {path}.")
