"""Export the access log: a range as CSV (as the auditors' API does, for ranges too large for HTTP),
or every event as a stream of JSON lines that follows the log as it grows (``--follow``)."""

import os
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from audit import csv_export, recorder, stream
from audit.filters import EventFilter
from audit.models import AccessEvent, Action
from audit.recorder import Event


class Command(BaseCommand):
    help = (
        "Write access events as CSV (formula cells escaped; filters as in the auditors' API), or with "
        "--stream/--follow as JSON lines (id, chain, seq, hash, body) for storage outside the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        for name in ("actor", "person", "team", "action", "outcome", "since", "until"):
            parser.add_argument(f"--{name}")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument(
            "--stream", action="store_true", help="JSON lines of every event not yet streamed."
        )
        parser.add_argument(
            "--follow", action="store_true", help="Like --stream, then keep following the log."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between two looks (--follow)."
        )
        parser.add_argument(
            "--after",
            default="",
            help="Resume after these positions, chain:seq pairs (1:120,2:33); with -o, the file says.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["stream"] or options["follow"]:
            return self._stream(options)
        return self._csv(options)

    def stream_format(self, options: dict[str, Any]) -> stream.Format:
        """How a streamed line is written and read back: JSON lines of the stored events by default
        (another app's command may add its own, e.g. FHIR AuditEvents)."""
        return stream.Format(render=stream.line, position=stream.position_of, name="JSON lines")

    def _stream(self, options: dict[str, Any]) -> None:
        path = Path(options["output"]) if options["output"] else None
        shape = self.stream_format(options)
        positions = (
            stream.positions_in(path, shape.position) if path else stream.parse_positions(options["after"])
        )
        recorder.record(
            recorder.system("export_audit"),
            Event(
                action=Action.AUDIT_EXPORT,
                object_type="audit_event",
                reason=f"stream of {shape.name} started",
            ),
        )
        target = path.open("a", encoding="ascii") if path else nullcontext(sys.stdout)
        with target as out:
            while True:
                written = 0
                for _chain, _seq, text in stream.new_lines(positions, shape.render):
                    out.write(text)
                    written += 1
                out.flush()
                if path and written:
                    os.fsync(out.fileno())  # on the other storage before the next look
                if not options["follow"]:
                    break
                time.sleep(options["interval"])

    def _csv(self, options: dict[str, Any]) -> None:
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
                action=Action.AUDIT_EXPORT,
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
