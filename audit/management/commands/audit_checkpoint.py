"""Sign every chain's head and write it outside the database (R6): a tail cut is then caught.

Run from a process of its own, which holds RELAIS_CHECKPOINT_KEY (the web process does not):
``--every 60`` keeps writing one a minute, whenever the log has grown, until it is stopped.
"""

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit import chain, checkpoints


class Command(BaseCommand):
    help = "Verify the audit chains, then write a signed checkpoint of their heads (--every N: keep going)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, help="Seconds between checkpoints; 0: once.")
        parser.add_argument("--keep", type=int, default=1440, help="Checkpoint files kept (newest first).")

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = []
        if options["every"]:
            signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        last = None
        while not stopping:
            heads = checkpoints.current_heads()
            if heads != last or not options["every"]:
                self._write_one()
                checkpoints.prune(keep=options["keep"])
                last = heads
            if not options["every"]:
                break
            for _ in range(options["every"] * 10):
                if stopping:
                    break
                time.sleep(0.1)

    def _write_one(self) -> None:
        verdict = chain.verify()
        if not verdict.ok:
            raise CommandError(
                f"Not signing a broken chain: event #{verdict.first_bad}: {verdict.reason}. "
                "Nothing was written."
            )
        statement = checkpoints.write()
        self.stdout.write(
            f"Checkpoint written: {statement['count']} events over {len(statement['chains'])} chains, "
            f"in {statement['file']}."
        )
