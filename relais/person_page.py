"""The person page, composed here because it shows both features: a person's notes and follow-ups
(records) beside their consents and what their teams could still open in an emergency (consent).

Records and consent are independent apps (pyproject's import-linter contracts): neither may read
the other's selectors or services, so the page that shows both lives in the composition root, with
the two forms it shows again with their error (a note, another team). Every read goes through the
same selectors as the API, so the page shows exactly what the API would and is recorded the same way:
the person, their notes, their consents (the API's three reads), reached once.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from access import organisations, persons, wording
from audit.models import Action
from consent.consents import selectors as consent_selectors
from consent.emergency import services as glass
from consent.models import Status
from core.domain_errors import Conflict, Invalid
from records import filters, follow_ups, note_display, person_status, renewals, selectors, services
from records.forms import FollowUpForm, NoteForm
from relais import person_cards, person_page_rows
from teams.models import Team
from teams.requests import AuthenticatedHttpRequest
from web.pages import disclosed_page, form_errors, render_with_forms

NOTES_PAGE_SIZE = 50


def _person_page(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    note_form: NoteForm | None = None,
    warn_unshared: bool = False,
    follow_up_form: FollowUpForm | None = None,
) -> HttpResponse:
    """The person page: the API's three reads (person, notes, consents), reached once and recorded
    as the API records them; a form shown again with its error makes the answer a 4xx."""
    reached = persons.readable_person(request.user, pk, action=Action.PERSON_VIEW, readers=True)
    view = persons.person_view(reached)
    note_filters = filters.given(request.GET)
    authors = selectors.note_authors(reached)
    notes_page, notes = disclosed_page(
        request,
        selectors.notes_of(reached, note_filters),
        NOTES_PAGE_SIZE,
        count=None if note_filters else authors.notes,
    )
    history = consent_selectors.shown_history(request.user, reached.person)
    following = {f.team_id: f.team for f in view.follow_ups}
    mine = sorted((t for tid, t in following.items() if tid in reached.member.team_ids), key=lambda t: t.name)
    readership = reached.readership
    by_pk = {c.pk: c for c in history}
    current = {c.team_id: c for c in history if c.status == Status.CURRENT}
    labels = person_page_rows.category_labels()
    panel = [
        {
            "follow_up": follow_up,
            "consent": current.get(follow_up.team_id),
            "recorded_by": consent_selectors.recorded_by_label(current[follow_up.team_id])
            if follow_up.team_id in current
            else "",
            **person_status.team_reads(readership, follow_up.team_id, labels),
            "mine": follow_up.team_id in reached.member.team_ids,
        }
        for follow_up in view.follow_ups
    ]
    status = [item for item in panel if item["mine"]]
    items = note_display.note_items(notes, reached.grants, by_pk, readership, request.user.pk, labels)
    shown_note_form = note_form or NoteForm(teams=mine, categories=list(labels.items()))
    shown_follow_up_form = follow_up_form or FollowUpForm(
        teams=organisations.teams_of_own_organisation(request.user, person_page_rows.other_teams(following))
    )
    context: dict[str, Any] = {
        "person": reached.person,
        "contact": view.contact,
        "identity": view.identity,
        "notes": items,
        "articles": note_display.articles(items),
        "notes_page": notes_page,
        "note_filters": note_filters,
        "notes_query": f"{urlencode(note_filters)}&" if note_filters else "",
        "note_filter_form": filters.page_form(
            request.GET,
            categories=sorted(labels.items(), key=lambda item: item[1]),
            authors=authors.choices,
            teams=[(f.team.pk, f.team.name) for f in view.follow_ups],
        ),
        "panel": panel,
        "team_cards": person_cards.team_cards(panel, reached.person.pk, get_token(request)),
        "status": status,
        "status_lines": person_cards.status_lines(status),
        "history_lines": person_cards.history_lines(history),
        "emergencies": [
            {"glass": emergency, "opened": [labels[code] for code in emergency.categories]}
            for emergency in readership.emergencies(reached.member.team_ids)
        ],
        "openable": glass.anything_openable(reached.member, reached.person, readership),
        "history": history,
        "me": request.user.pk,
        "note_form": shown_note_form,
        "note_fields": person_cards.FieldsHtml(shown_note_form),
        "warn_unshared": warn_unshared,
        "follow_up_form": shown_follow_up_form,
        "follow_up_fields": person_cards.FieldsHtml(shown_follow_up_form),
        "readers": [
            (label, wording.form_line(readership.of_note(request.user.pk, code)))
            for code, label in sorted(labels.items(), key=lambda item: item[1])
        ],
        "nav": "persons",
    }
    context["ending"] = renewals.ending_soon(item["consent"] for item in status)
    response = render_with_forms(request, "records/person.html", context, note_form, follow_up_form)
    if warn_unshared:
        response.status_code = 409
    return response


@login_required
@require_safe
def person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, pk)


@login_required
@require_POST
def note_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Save a note; if its category is not shared with the team, warn first (R1: it stays the
    author's alone until the person agrees) and save only once the author confirms."""
    teams = selectors.writer_teams(user=request.user, person_id=pk)
    form = NoteForm(request.POST, teams=teams)
    warn = False
    if form.is_valid():
        data = form.cleaned_data
        readers = selectors.readership(pk).of_note(request.user.pk, data["category"])
        if readers.author_alone and not data["confirm_unshared"]:
            warn = True
        else:
            try:
                note = services.write_note(
                    user=request.user,
                    person_id=pk,
                    team_id=data["team"],
                    category=data["category"],
                    body=data["body"],
                )
            except (Invalid, Conflict) as exc:
                form_errors(form, exc)
            else:
                # Who reads it now that it is saved, its author first (R11).
                saved = selectors.readership(pk).of_note(request.user.pk, note.category.code)
                messages.success(request, wording.saved_message(saved))
                return redirect("person", pk=pk)
    return _person_page(request, pk, note_form=form, warn_unshared=warn)


@login_required
@require_POST
def follow_up_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = FollowUpForm(request.POST, teams=Team.objects.order_by("name"))
    if form.is_valid():
        try:
            follow_up = follow_ups.open_follow_up(
                user=request.user,
                person_id=pk,
                team_id=form.cleaned_data["team"],
                presence=form.cleaned_data["presence"] or None,
                confirmed=form.cleaned_data["confirmed"],
            )
        except (Invalid, Conflict) as exc:
            form_errors(form, exc)
        else:
            reads = selectors.readership(pk).of_team(follow_up.team_id)  # a consent of before revives
            messages.success(request, person_status.followed_message(follow_up.team.name, reads))
            return redirect("person", pk=pk)
    return _person_page(request, pk, follow_up_form=form)
