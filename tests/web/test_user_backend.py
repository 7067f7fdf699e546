"""The signed-in user found by a statement compiled once per process (``teams.backends``): the
user, field by field, and the menu's facts that ``with_menu`` reads with the ORM, for a member, a
person, a representative while their role lasts and after it ended, an auditor; nobody for an
inactive account or an id no account has."""

from django.utils import timezone

from teams import backends
from teams.backends import UserBackend, with_menu
from teams.models import User
from tests.factories import make_person, make_portal_account, representative_of

MENU = ("menu_member", "menu_person", "menu_acting")


def _same(found: User, expected: User) -> None:
    for field in User._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.attname
    assert [bool(getattr(found, f)) if f == "menu_member" else getattr(found, f) for f in MENU] == [
        bool(getattr(expected, f)) if f == "menu_member" else getattr(expected, f) for f in MENU
    ]


def test_the_compiled_user_is_the_querysets_for_every_kind_of_account(team, worker, person, auditor):
    own = make_portal_account(person)
    agent = representative_of(person, worker)
    ended = representative_of(make_person(team, display_name="Autre"), worker)
    ended.ended_at = timezone.now()
    ended.save(update_fields=["ended_at"])
    accounts = [worker, own, auditor, agent.account, ended.account]
    for user in accounts:
        found = UserBackend().get_user(user.pk)
        assert found is not None
        _same(found, with_menu(User.objects.filter(pk=user.pk)).get())
    assert UserBackend().get_user(agent.account.pk).menu_acting == agent.pk
    assert UserBackend().get_user(ended.account.pk).menu_acting is None
    assert UserBackend().get_user(worker.pk).menu_member
    assert UserBackend().get_user(own.pk).menu_person == person.pk
    # The same statement for every account: compiled once, asked with each id.
    assert backends._statement.cache_info().currsize == 1


def test_an_inactive_account_or_an_unknown_id_finds_nobody(worker):
    assert UserBackend().get_user(worker.pk) is not None
    assert UserBackend().get_user(str(worker.pk)).pk == worker.pk  # the session keeps the id as text
    User.objects.filter(pk=worker.pk).update(is_active=False)
    assert UserBackend().get_user(worker.pk) is None
    assert UserBackend().get_user(10**9) is None
