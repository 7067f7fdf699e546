"""Members' pages: their persons, a person's page, writing a note, bringing in another team.

Every page goes through the same selectors and services as the API, so it shows exactly what the
API would and is recorded the same way. A refused form answers 4xx: nothing of it is kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from access import wording
from access.who_is_asking import access_member
from audit.models import Action
from consent.consents import selectors as consent_selectors
from consent.emergency import services as glass
from consent.models import Status
from core.domain_errors import Conflict, Invalid
from records import filters, handover, note_display, person_status, renewals, selectors, services
from records.forms import ContactForm, FollowUpForm, NoteCorrectionForm, NoteForm, PersonForm
from teams.models import Team
from teams.requests import AuthenticatedHttpRequest
from teams.selectors import category_labels
from web.pages import disclosed, disclosed_page, form_errors, render_with_forms, submitted

PAGE_SIZE = 25

NOTES_PAGE_SIZE = 50


@login_required
@require_safe
def persons(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")
    page, views = disclosed_page(request, selectors.find_persons(user=request.user, search=search), PAGE_SIZE)
    context = {
        "page": page,
        "views": views,
        "search": search,
        "query_prefix": f"{urlencode({'q': search})}&" if search else "",
        "nav": "persons",
    }
    return render(request, "records/persons.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    member = access_member(request.user, action=Action.PERSON_CREATE, object_type="person")
    teams = Team.objects.filter(pk__in=member.team_ids).order_by("name")
    form = PersonForm(submitted(request), teams=teams)
    duplicates: list[selectors.PersonView] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirmed = data.pop("confirm_new")
        if not confirmed:
            duplicates = selectors.likely_duplicates(
                member,
                display_name=data["display_name"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                birth_date=data["birth_date"],
            )
        if not duplicates:
            try:
                view = services.create_person(user=request.user, team_id=data.pop("team"), **data)
            except (Invalid, Conflict) as exc:
                form_errors(form, exc)
            else:
                messages.success(
                    request, _("The person is created. Record their consent to share with the team.")
                )
                return redirect("person", pk=view.person.pk)
    context = {"form": form, "duplicates": duplicates, "nav": "persons"}
    response = render_with_forms(request, "records/person_new.html", context, form)
    if duplicates:
        response.status_code = 409  # nothing created: the worker looks first
    return response


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
    reached = selectors.readable_person(request.user, pk, action=Action.PERSON_VIEW, readers=True)
    view = selectors.person_view(reached)
    note_filters = filters.given(request.GET)
    authors = selectors.note_authors(reached)
    notes_page, notes = disclosed_page(
        request,
        selectors.notes_of(reached, note_filters),
        NOTES_PAGE_SIZE,
        count=None if note_filters else authors.notes,
    )
    history = disclosed(consent_selectors.history_of(request.user, reached.person, details=False))
    following = {f.team_id: f.team for f in view.follow_ups}
    mine = sorted((t for tid, t in following.items() if tid in reached.member.team_ids), key=lambda t: t.name)
    readership = reached.readership
    by_pk = {c.pk: c for c in history}
    current = {c.team_id: c for c in history if c.status == Status.CURRENT}
    labels = category_labels()
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
    context = {
        "person": reached.person,
        "contact": view.contact,
        "identity": view.identity,
        "notes": note_display.note_items(notes, reached.grants, by_pk, readership, request.user.pk, labels),
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
        "status": [item for item in panel if item["mine"]],
        "emergencies": [
            {"glass": emergency, "opened": [labels[code] for code in emergency.categories]}
            for emergency in readership.emergencies(reached.member.team_ids)
        ],
        "openable": glass.openable(reached.member, reached.person, readership),
        "history": history,
        "me": request.user.pk,
        "note_form": note_form or NoteForm(teams=mine, categories=list(labels.items())),
        "warn_unshared": warn_unshared,
        "follow_up_form": follow_up_form
        or FollowUpForm(teams=Team.objects.exclude(pk__in=following).order_by("name")),
        "readers": [
            (label, wording.form_line(readership.of_note(request.user.pk, code)))
            for code, label in sorted(labels.items(), key=lambda item: item[1])
        ],
        "nav": "persons",
    }
    context["ending"] = renewals.ending_soon(item["consent"] for item in context["panel"] if item["mine"])
    status = 409 if warn_unshared else None
    response = render_with_forms(request, "records/person.html", context, note_form, follow_up_form)
    if status:
        response.status_code = status
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
            follow_up = services.open_follow_up(
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


@login_required
@require_http_methods(["GET", "POST"])
def note_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Its author corrects a note: the form starts from the text (a recorded read); the correction is
    a new version, and the old one is kept. A refused correction shows the form again."""
    form = NoteCorrectionForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            note = services.correct_note(user=request.user, note_id=pk, body=form.cleaned_data["body"])
        except (Invalid, Conflict) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The note is corrected. Its readers see that it was."))
            return redirect("person", pk=note.person_id)
    note = selectors.note_to_correct(user=request.user, note_id=pk)
    if request.method == "GET":
        form = NoteCorrectionForm(initial={"body": note.body})
    context = {"note": note, "form": form, "nav": "persons"}
    return render_with_forms(request, "records/note_correct.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change the contact details, where the person's consent shares them with one of my teams; the
    form starts from them (a recorded read), and the change is recorded field by field."""
    form = ContactForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact(user=request.user, person_id=pk, **form.cleaned_data)
        except (Invalid, Conflict) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The contact details are changed."))
            return redirect("person", pk=pk)
    view = selectors.contact_to_edit(user=request.user, person_id=pk)
    if request.method == "GET":
        form = ContactForm(initial=view.contact)
    context = {"person": view.person, "form": form, "nav": "persons"}
    return render_with_forms(request, "records/contact_edit.html", context, form)


@login_required
@require_POST
def follow_up_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A member ends their team's follow-up; the team loses access at once."""
    follow_up = services.close_follow_up(user=request.user, follow_up_id=pk)
    messages.success(
        request,
        _("%(team)s no longer follows this person and no longer sees anything about them.")
        % {"team": follow_up.team.name},
    )
    if selectors.still_followed(user=request.user, person_id=follow_up.person_id):
        return redirect("person", pk=follow_up.person_id)
    return redirect("persons")


@login_required
@require_http_methods(["GET", "POST"])
def handover_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The start of a shift: what is new since my last "seen", per person; persons without consent."""
    if request.method == "POST":
        handover.mark_seen(user=request.user)
        messages.success(request, _("Seen. What comes next will show here."))
        return redirect("handover")
    context = {"handover": handover.handover(user=request.user), "nav": "handover"}
    return render(request, "records/handover.html", context)


@login_required
@require_safe
def renewals_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Consents of my teams that end within 30 days, and persons followed without any consent."""
    context = {"renewals": renewals.to_renew(user=request.user), "nav": "renewals"}
    return render(request, "records/renewals.html", context)
