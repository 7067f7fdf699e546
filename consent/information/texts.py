"""The information texts a person is given before they consent (issue 24): which are current, which
one a consent names, and the publication of a new version. A text is never edited: a new wording is
a new version, and every consent keeps pointing at the words its person was given."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from audit import recorder
from audit.models import Action
from audit.recorder import Event
from consent.models import Consent, InformationText, LegalBasis
from core.domain_errors import Invalid


def current_texts() -> list[InformationText]:
    """The newest version of each language and reading level, in the deployment's language order."""
    newest: dict[tuple[str, bool], InformationText] = {}
    for text in InformationText.objects.order_by("-published_at", "-id"):
        newest.setdefault((text.language, text.easy_read), text)
    order = [code for code, _name in settings.LANGUAGES]
    return sorted(
        newest.values(),
        key=lambda t: (order.index(t.language) if t.language in order else len(order), t.easy_read),
    )


def current_text(
    language: str, *, easy_read: bool = False, among: list[InformationText] | None = None
) -> InformationText | None:
    """The text a person reading ``language`` is given now (the deployment's first language if none).
    ``among``: the ``current_texts()`` a page already read, so that it reads them once for both levels."""
    texts = current_texts() if among is None else among
    for wanted in (language, settings.LANGUAGE_CODE):
        for text in texts:
            if text.language == wanted and text.easy_read == easy_read:
                return text
    return texts[0] if texts else None


def current_pair(language: str) -> tuple[InformationText | None, InformationText | None]:
    """``current_text`` in ``language``, plain then easy to read, from one reading of the texts: the
    portal's pages offer both."""
    texts = current_texts()
    return current_text(language, among=texts), current_text(language, easy_read=True, among=texts)


def text_given(information_id: int | None) -> InformationText:
    """The text a consent is about to name, or an error on the field: the person must have been told."""
    if information_id is None:
        raise Invalid("information", _("Say which information the person was given."))
    text = InformationText.objects.filter(pk=information_id).first()
    if text is None:
        raise Invalid("information", _("This information text does not exist."))
    return text


def basis_given(legal_basis: str | None) -> str:
    """The legal basis a consent is about to record, or an error on the field."""
    if not legal_basis:
        raise Invalid("legal_basis", _("Say on what legal basis the information is processed."))
    if legal_basis not in LegalBasis.values:
        raise Invalid("legal_basis", _("Unknown legal basis: %(basis)s.") % {"basis": legal_basis})
    return legal_basis


def basis_for(person_id: int, team_id: int) -> str:
    """The legal basis a consent the person gives themselves is recorded on: the one their consents
    to this team were recorded on, or the deployment's (``RELAIS_LEGAL_BASIS``). Which law applies
    depends on the team's work, not on the person's choice."""
    earlier = (
        Consent.objects.filter(person_id=person_id, team_id=team_id)
        .exclude(legal_basis="")
        .order_by("-id")
        .values_list("legal_basis", flat=True)
        .first()
    )
    return earlier or settings.RELAIS_LEGAL_BASIS


def published(information_id: int) -> InformationText:
    """A published text, for anyone to read again: these are the deployment's public words."""
    text = InformationText.objects.filter(pk=information_id).first()
    if text is None:
        raise Http404
    return text


@recorder.action
def publish(*, version: str, language: str, easy_read: bool, title: str, body: str) -> InformationText:
    """A new version of the text, recorded; an existing version is never rewritten."""
    if language not in dict(settings.LANGUAGES):
        raise Invalid("language", _("Unknown language: %(language)s.") % {"language": language})
    if not title.strip() or not body.strip():
        raise Invalid("body", _("A text needs a title and words."))
    if InformationText.objects.filter(version=version, language=language, easy_read=easy_read).exists():
        raise Invalid("version", _("This version is already published; give the new words a new version."))
    text = InformationText.objects.create(
        version=version, language=language, easy_read=easy_read, title=title.strip(), body=body.strip()
    )
    recorder.record(
        recorder.system("publish_information"),
        Event(
            action=Action.INFORMATION_PUBLISH,
            object_type="information_text",
            object_ids=[text.pk],
            changes={
                "version": [None, version],
                "language": [None, language],
                "easy_read": [None, easy_read],
            },
        ),
    )
    return text
