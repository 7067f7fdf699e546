"""Re-encrypt every encrypted value with the newest key of RELAIS_FIELD_KEYS (R8).

Each batch commits on its own and only values not yet under the newest key are picked up, so the
command can be stopped and run again. A value that fails to decrypt stops the run and is never
written back.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from tqdm import tqdm

from records.fields import EncryptedTextField
from relais import crypto

BATCH = 500


def encrypted_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the newest key; safe to stop and rerun."

    def handle(self, *args, **options):
        prefix = f"{crypto.PREFIX}:{crypto.newest_key_id()}:"
        total = 0
        for model, field in encrypted_fields():
            stale = (
                model._default_manager.annotate(raw=Cast(field.name, TextField()))
                .exclude(raw="")
                .exclude(raw__startswith=prefix)
            )
            count = stale.count()
            with tqdm(total=count, desc=field.label, disable=count == 0 or options["verbosity"] == 0) as bar:
                while True:
                    rows = list(stale.order_by("pk").values_list("pk", "raw")[:BATCH])
                    if not rows:
                        break
                    with transaction.atomic():
                        for pk, raw in rows:
                            try:
                                plaintext = crypto.decrypt(raw, field.label)
                            except crypto.CryptoError as exc:
                                raise CommandError(
                                    f"{model._meta.label} #{pk}: {exc} Nothing was written for it."
                                ) from exc
                            model._default_manager.filter(pk=pk).update(**{field.name: plaintext})
                    bar.update(len(rows))
                    total += len(rows)
        self.stdout.write(f"Re-encrypted {total} value(s) with key {crypto.newest_key_id()!r}.")
