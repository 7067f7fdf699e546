"""The erasure of one archived person (issue 24): everything Relais holds about them goes, in the
order the record's protections require (a receipt before its consent, a correction before the note
it corrects, a representative's acts before the representative), then the person and the portal
accounts that served them alone.

What stays is what the law and the log's own retention require: the access log keeps its events
(ids only, never a note's words), chained and verifiable, until ``purge_audit`` removes them at the
log's own age. Run by the retention job, as the owner role: the service's role may delete none of
these rows (``relais.db.roles``).
"""

from __future__ import annotations

from collections import Counter

from django.db.models import QuerySet

from consent.models import (
    Consent,
    Disagreement,
    Evidence,
    Exclusion,
    GlassBreak,
    NoteHiding,
    Notice,
    PortalInvitation,
    Receipt,
    Representative,
    SpaceReset,
    Withdrawal,
    WithdrawalEvidence,
)
from records.models import Note, Person
from teams.models import User


def erase(person: Person, *, using: str) -> dict[str, int]:
    """Delete the person's whole record; returns the rows removed, by table (``app.Model``)."""
    removed: Counter[str] = Counter()

    def gone(rows: QuerySet) -> None:
        removed.update(rows.delete()[1])

    def newest_first(rows: QuerySet) -> None:
        # A newer row protects the one it supersedes or corrects: each goes before its predecessor.
        for pk in rows.order_by("-id").values_list("pk", flat=True):
            gone(rows.model.objects.using(using).filter(pk=pk))

    agents = Representative.objects.using(using).filter(person=person)
    accounts = [pk for pk in [person.account_id, *agents.values_list("account_id", flat=True)] if pk]
    gone(Disagreement.objects.using(using).filter(person=person))
    # The person's own say (members kept out, notes hidden) names their notes and accounts.
    gone(NoteHiding.objects.using(using).filter(person=person))
    gone(Exclusion.objects.using(using).filter(person=person))
    gone(Notice.objects.using(using).filter(person=person))
    gone(SpaceReset.objects.using(using).filter(person=person))
    gone(PortalInvitation.objects.using(using).filter(person=person))
    gone(WithdrawalEvidence.objects.using(using).filter(withdrawal__consent__person=person))
    gone(Evidence.objects.using(using).filter(consent__person=person))
    gone(Receipt.objects.using(using).filter(consent__person=person))
    gone(Withdrawal.objects.using(using).filter(consent__person=person))
    newest_first(Consent.objects.using(using).filter(person=person))
    gone(GlassBreak.objects.using(using).filter(person=person))
    newest_first(Note.objects.using(using).filter(person=person))
    gone(agents)
    gone(Person.objects.using(using).filter(pk=person.pk))  # its follow-ups and grants with it
    gone(User.objects.using(using).filter(pk__in=accounts))
    return {table: count for table, count in sorted(removed.items()) if count}
