"""Auditors: who may list and review what others did (emergency accesses, resets of a space, the
persons' disagreements), and the refusal on the record for anyone else.

An auditor reads no person data through a team: their queues name persons by number, and what
they review is reached by id here, with the same recorded 404 as anything missing (R9).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from access.reach import reached_by_id
from audit import auditors, recorder
from audit.auditors import Auditor
from core.domain_errors import NotIndependent
from teams.models import User


def access_auditor(user: User, action: str, *, object_type: str) -> Auditor:
    """The auditor asking, or the recorded 403 of ``action`` for anyone else."""
    return auditors.establish(user, action, object_type=object_type)


def reached_by_auditor(
    user: User,
    action: str,
    objects: Callable[[Auditor], QuerySet[Any]],
    object_id: int,
    *,
    object_type: str,
    independent: Callable[[Auditor, Any], bool] | None = None,
) -> Any:
    """The object among ``objects(auditor)`` an auditor is about to act on: a recorded 403 for anyone
    but an auditor, the recorded 404 of R9 for one that does not exist or lies outside their reach,
    and, where ``independent`` says the auditor had a hand in it (separation of duties), a recorded
    403 naming the object's person."""
    auditor = access_auditor(user, action, object_type=object_type)
    found = reached_by_id(user, action, objects(auditor), object_id, object_type=object_type)
    if independent is not None and not independent(auditor, found):
        with recorder.denials(
            user,
            action,
            object_type=object_type,
            object_ids=[found.pk],
            person_id=getattr(found, "person_id", None),
        ):
            raise NotIndependent()
    return found
