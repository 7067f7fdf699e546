"""Re-encrypt every encrypted value with the newest key of RELAIS_FIELD_KEYS (R8).

Each batch commits on its own and only values not yet under the newest key are picked up, so the
command can be stopped and run again. A value that fails to decrypt stops the run and is never
written back. It runs as the owner of the tables (``DATABASE_OWNER_URL``): the service's own role
may not rewrite a note, a consent's evidence or any other part of the record. Batches are bounded in
bytes as well as in rows, so that a few large values (scans of signed consent forms) never sit in
memory together. The run is recorded when it starts and ends.
"""

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import reset_queries, transaction
from django.db.models import TextField
from django.db.models.functions import Cast, Length
from tqdm import tqdm

from audit import recorder
from audit.models import Action
from audit.purge import owner_alias
from audit.recorder import Event
from core import crypto
from core.fields import EncryptedTextField

BATCH_ROWS = 500
BATCH_BYTES = 8 * 1024 * 1024


def encrypted_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


def batches(sizes: list[tuple[int, int]]) -> Iterator[list[int]]:
    """Group (pk, size) pairs into lists of pks of at most BATCH_ROWS rows and BATCH_BYTES bytes
    (a single larger value makes a batch of its own)."""
    batch: list[int] = []
    weight = 0
    for pk, size in sizes:
        if batch and (len(batch) == BATCH_ROWS or weight + size > BATCH_BYTES):
            yield batch
            batch, weight = [], 0
        batch.append(pk)
        weight += size
    if batch:
        yield batch


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the newest key; safe to stop and rerun."

    def handle(self, *args: Any, **options: Any) -> None:
        self.using = owner_alias()
        key_id = crypto.newest_key_id()
        prefix = f"{crypto.PREFIX}:{key_id}:"
        actor = recorder.system("rotate_keys")
        stale_by_field = []
        for model, field in encrypted_fields():
            stale = (
                model._default_manager.using(self.using)
                .annotate(raw=Cast(field.name, TextField()))
                .exclude(raw="")
                .exclude(raw__startswith=prefix)
            )
            stale_by_field.append((model, field, stale))
        pending = sum(stale.count() for _, _, stale in stale_by_field)
        recorder.record(
            actor, Event(action=Action.KEYS_ROTATE, reason=f"started: {pending} value(s) to key {key_id!r}")
        )
        total = 0
        for model, field, stale in stale_by_field:
            sizes = list(stale.annotate(raw_size=Length("raw")).order_by("pk").values_list("pk", "raw_size"))
            quiet = not sizes or options["verbosity"] == 0
            with tqdm(total=len(sizes), desc=field.label, disable=quiet) as bar:
                for pks in batches(sizes):
                    self._rotate(model, field, stale.filter(pk__in=pks))
                    reset_queries()  # with DEBUG on, Django would keep every value it wrote
                    bar.update(len(pks))
                    total += len(pks)
        recorder.record(
            actor, Event(action=Action.KEYS_ROTATE, reason=f"done: {total} value(s) now under key {key_id!r}")
        )
        self.stdout.write(f"Re-encrypted {total} value(s) with key {key_id!r}.")

    def _rotate(self, model, field, rows) -> None:
        with transaction.atomic(using=self.using):
            for pk, raw in rows.order_by("pk").values_list("pk", "raw"):
                try:
                    plaintext = crypto.decrypt(raw, field.label)
                except crypto.CryptoError as exc:
                    raise CommandError(
                        f"{model._meta.label} #{pk}: {exc} Nothing was written for it."
                    ) from exc
                model._default_manager.using(self.using).filter(pk=pk).update(**{field.name: plaintext})
