"""Sign the chain's head and write it outside the database (R6): the tail can no longer be cut."""

from django.core.management.base import BaseCommand, CommandError

from audit import chain, checkpoints


class Command(BaseCommand):
    help = "Verify the audit chain, then write a signed checkpoint (count, last hash, time)."

    def handle(self, *args, **options):
        verdict = chain.verify()
        if not verdict.ok:
            raise CommandError(
                f"Not signing a broken chain: event #{verdict.first_bad}: {verdict.reason}. "
                "Nothing was written."
            )
        statement = checkpoints.write()
        self.stdout.write(
            f"Checkpoint written: {statement['count']} events, last #{statement['last_id']}, "
            f"in {statement['file']}."
        )
