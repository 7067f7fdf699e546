"""Issue "Beyond the best", §4: the person is told, in an inbox and, if they ask, by a short e-mail
that says what kind of thing happened and never the data itself."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from audit.models import AccessEvent
from consent.models import Notice
from consent.notices import inbox
from records.models import Person
from tests.factories import (
    give_consent,
    information_text,
    informed,
    make_member,
    make_note,
    make_person,
    make_portal_account,
)

# The inbox's pages and e-mails render what the services answer (the rules run on both databases): one database is enough.
pytestmark = pytest.mark.any_database


class Mailbox:
    """A real SMTP server, started by the test: what it received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", controller.port, 5
    yield box
    controller.stop()


@pytest.fixture
def jo(person):
    return make_portal_account(person, "jo")


def wants_email(person, address="jo@example.org"):
    Person.objects.filter(pk=person.pk).update(notice_email=address, notify_by_email=True)


def test_a_worker_recording_a_consent_puts_a_notice_in_the_inbox(web, team, worker, person, jo):
    give_consent(person, team, ["housing"], by=worker)
    page = web.as_(jo).get("/portal/notices/").content.decode()
    assert (
        f"{worker.display_name} (éducatrice spécialisée) a enregistré votre accord pour Maraude Nord." in page
    )
    assert "Nouveau" in page
    assert AccessEvent.objects.filter(action="portal.notices", actor_id=jo.pk, person_id=person.pk).exists()


def test_each_kind_of_news_is_told(web, api, team, other_team, worker, person, jo):
    consent = give_consent(
        person, team, ["housing"], by=worker, valid_until=timezone.now() + timedelta(days=10)
    )
    api.as_(worker).post(
        f"/api/v1/persons/{person.pk}/follow-ups/",
        {"team": other_team.pk, "presence": "in_person", "confirmed": True},
        format="json",
    )
    api.as_(worker).post(f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "oral"}, format="json")
    give_consent(person, team, ["housing"], by=worker, valid_until=timezone.now() + timedelta(days=10))
    reader = make_member(team, display_name="Nouvelle Lectrice")
    api.as_(reader).get(f"/api/v1/persons/{person.pk}/notes/")
    api.as_(reader).get(f"/api/v1/persons/{person.pk}/")  # a second read: still one notice
    kinds = [n["kind"] for n in api.as_(jo).get("/api/v1/portal/notices/").json()["results"]]
    assert sorted(set(kinds)) == sorted(
        ["follow_up", "consent_recorded", "consent_withdrawn", "consent_ending", "first_reader"]
    )
    assert kinds.count("first_reader") == 1  # the new reader, once (the worker recorded, never read)
    assert kinds.count("consent_ending") == 1
    page = web.as_(jo).get("/portal/notices/").content.decode()
    assert "Nouvelle Lectrice a lu vos informations pour la première fois." in page  # no note: no team named


def test_the_persons_own_acts_are_not_told_back_to_them(api, team, worker, person, jo):
    body = {"team": team.pk, "categories": ["housing"], "information": information_text().pk}
    api.as_(jo).post("/api/v1/portal/consents/", body, format="json")
    assert Notice.objects.filter(kind="consent_recorded").count() == 0


def test_notices_are_marked_read_one_or_all_and_the_mark_is_recorded(web, api, team, worker, person, jo):
    give_consent(person, team, ["housing"], by=worker)
    give_consent(person, team, ["housing", "contact"], by=worker)
    first, second = Notice.objects.filter(kind="consent_recorded").order_by("pk")
    assert web.as_(jo).post("/portal/notices/read/", {"notice": first.pk}).status_code == 302
    first.refresh_from_db(), second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert api.as_(jo).post("/api/v1/portal/notices/read/", {}, format="json").json()["marked"] >= 1
    assert not Notice.objects.filter(person=person, read_at__isnull=True).exists()
    assert AccessEvent.objects.filter(action="notice.read", actor_id=jo.pk).count() == 2
    other = make_portal_account(make_person(team), "sam")
    response = api.as_(other).post("/api/v1/portal/notices/read/", {"notices": [first.pk]}, format="json")
    assert response.status_code == 400  # not in their inbox


def test_an_email_says_what_kind_of_thing_happened_and_never_the_data(
    smtp, django_capture_on_commit_callbacks, api, team, worker, person, jo
):
    wants_email(person)
    with django_capture_on_commit_callbacks(execute=True):
        give_consent(person, team, ["housing", "contact"], by=worker, purpose="Logement à Lille")
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == ["jo@example.org"]
    assert "Un membre d'une équipe a enregistré un de vos accords." in message.replace("’", "'")
    assert "/portal/notices/" in message
    for secret in ("Maraude", "Logement", "housing", worker.display_name, person.display_name):
        assert secret not in message
    assert Notice.objects.get(kind="consent_recorded").emailed_at is not None


def test_a_mail_server_that_fails_blocks_nothing_and_the_command_sends_later(
    settings, smtp, django_capture_on_commit_callbacks, api, team, worker, person, jo
):
    wants_email(person)
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nobody listens there
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_(worker).post(
            f"/api/v1/persons/{person.pk}/consents/",
            {
                "team": team.pk,
                "categories": ["housing"],
                "purpose": "continuité",
                "method": "oral",
                **informed(),
            },
            format="json",
        )
    assert response.status_code == 201 and person.consents.count() == 1
    notice = Notice.objects.get(kind="consent_recorded")
    assert notice.emailed_at is None and smtp.messages == []
    settings.EMAIL_PORT = port
    call_command("send_notices")
    notice.refresh_from_db()
    assert notice.emailed_at is not None and len(smtp.messages) == 1


def test_no_email_without_the_persons_agreement(django_capture_on_commit_callbacks, team, worker, person, jo):
    Person.objects.filter(pk=person.pk).update(notice_email="jo@example.org", notify_by_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        give_consent(person, team, ["housing"], by=worker)
    assert mail.outbox == []


def test_the_person_chooses_the_address_which_no_team_sees(web, api, team, worker, person, jo, shared):
    response = web.as_(jo).post("/portal/notices/email/", {"email": "jo@example.org", "enabled": "on"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.notice_email == "jo@example.org" and person.notify_by_email
    event = AccessEvent.objects.get(action="notice.email")
    assert "jo@example.org" not in str(event.data)
    assert "jo@example.org" not in str(api.as_(worker).get(f"/api/v1/persons/{person.pk}/").json())
    refused = web.post("/portal/notices/email/", {"email": "", "enabled": "on"})
    assert refused.status_code == 400 and "adresse" in refused.content.decode()


@pytest.mark.every_database  # a date filter
def test_the_command_finds_ending_consents_for_those_who_asked(smtp, team, worker, person, jo):
    give_consent(person, team, ["housing"], by=worker, valid_until=timezone.now() + timedelta(days=10))
    wants_email(person)
    Notice.objects.update(emailed_at=timezone.now())  # the consent's own notice: sent already
    call_command("send_notices")
    assert Notice.objects.filter(kind="consent_ending").count() == 1
    assert any("prend bientôt fin" in message for _to, message in smtp.messages)
    call_command("send_notices")
    assert Notice.objects.filter(kind="consent_ending").count() == 1  # told once


def test_the_home_page_says_how_many_notices_are_new(web, team, worker, person, jo):
    give_consent(person, team, ["housing"], by=worker)
    make_note(person, worker, team, "housing")
    assert "Vous avez 1 nouvel avis." in web.as_(jo).get("/portal/").content.decode()


def test_inbox_query_count_does_not_grow_with_notices(
    web, team, worker, person, jo, django_assert_num_queries
):
    for rows in (10, 30):
        for _ in range(rows - Notice.objects.count()):
            inbox.tell(person.pk, Notice.Kind.CONSENT_RECORDED, team_id=team.pk, actor_id=worker.pk)
        web.as_(jo)
        with django_assert_num_queries(INBOX_QUERIES):
            assert web.get("/portal/notices/").status_code == 200


INBOX_QUERIES = 14  # the same for 10 and for 30 notices (a reset looked for: R10; the person read once; the last settled event of the person: first readers looked for since)


def test_the_address_for_notices_is_in_the_persons_copy_of_their_data(api, person, jo):
    wants_email(person, "jo.avis@example.org")
    exported = api.as_(jo).get("/api/v1/portal/export/").json()["person"]
    assert exported["notice_email"] == "jo.avis@example.org" and exported["notify_by_email"] is True


def test_a_refused_email_choice_through_the_page_answers_400_and_keeps_nothing(web, person, jo):
    wants_email(person, "jo@example.org")
    response = web.as_(jo).post("/portal/notices/email/", {"email": "pas une adresse", "enabled": "on"})
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.notice_email == "jo@example.org" and person.notify_by_email
    assert not AccessEvent.objects.filter(action="notice.email").exists()
