"""``export_audit``, with ``--fhir``: the log as NDJSON FHIR R5 AuditEvents (``--r4b``: in the R4B
shape), streamed and resumed exactly like its JSON lines (``--stream``, ``--follow``, ``-o``,
``--after``). Each line carries its event's chain, position and hash, which is how a stream file
says where to resume.

The log's own command (``audit``) knows nothing of FHIR; this app comes before it in
``INSTALLED_APPS``, so this command, which extends it, is the one ``manage.py`` runs.
"""

import json
from typing import Any

from django.core.management.base import CommandParser

from audit import stream
from audit.management.commands import export_audit
from interop import audit_event, codes


def _line(release: str) -> Any:
    def render(event_id: int, chain: int, seq: int, digest: str, body: str) -> str:
        resource = audit_event.build(event_id, chain, seq, digest, body)
        if release == "R4B":
            resource = audit_event.r4b(resource)
        return json.dumps(resource, separators=(",", ":")) + "\n"

    return render


def position(resource: dict[str, Any]) -> tuple[int, int]:
    """Where a FHIR AuditEvent of the stream sits in the log (its chain extension)."""
    found = next(e for e in resource.get("extension", []) if e["url"] == codes.CHAIN_URL)
    parts = {e["url"]: e for e in found["extension"]}
    seq = parts["seq"].get("valueInteger64", parts["seq"].get("valueString"))
    return int(parts["chain"]["valueInteger"]), int(seq)


class Command(export_audit.Command):
    help = export_audit.Command.help + (
        " With --fhir, NDJSON FHIR R5 AuditEvents (IHE BALP codes; --r4b for the R4B shape), "
        "streamed and resumed as the JSON lines are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--fhir", action="store_true", help="Stream FHIR AuditEvents as NDJSON (implies --stream)."
        )
        parser.add_argument("--r4b", action="store_true", help="With --fhir: the R4B shape of AuditEvent.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["fhir"]:
            options["stream"] = True
        return super().handle(*args, **options)

    def stream_format(self, options: dict[str, Any]) -> stream.Format:
        if not options.get("fhir"):
            return super().stream_format(options)
        release = "R4B" if options.get("r4b") else "R5"
        return stream.Format(render=_line(release), position=position, name=f"FHIR {release} AuditEvents")
