"""Make the key pair that signs the audit log's checkpoints.

The private half goes to the process that writes checkpoints and runs purges
(``audit_checkpoint --every 60``, ``purge_audit``); the web process gets the public half only, so a
compromised web process cannot sign a checkpoint over a log it has cut.
"""

from typing import Any

from django.core.management.base import BaseCommand

from core import keys


class Command(BaseCommand):
    help = (
        "Print a new RELAIS_CHECKPOINT_KEY (checkpoint process) and its RELAIS_CHECKPOINT_PUBLIC_KEY (web)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        private, public = keys.new_checkpoint_pair()
        self.stdout.write(f"RELAIS_CHECKPOINT_KEY={private}")
        self.stdout.write(f"RELAIS_CHECKPOINT_PUBLIC_KEY={public}")
