"""Pages of the person's say (``consent.say``): a worker keeps a member out with the person; the person
does it in their space, lets them back, and hides a note or shows it again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from consent.say import exclusions, hidings
from consent.say.forms import HideForm, KeepOutForm, LetBackForm
from core.domain_errors import Invalid
from teams.requests import AuthenticatedHttpRequest
from web.pages import disclosed_page, form_errors, render_with_forms, submitted
from web.presence import Presence

NOTES_PAGE = 30


def _choices(found: exclusions.KeptOut) -> list[tuple[int, str]]:
    kept = {e.member_id for e in found.exclusions if e.lifted_at is None}
    return [
        (c.user_id, f"{c.name} ({', '.join(c.teams)})") for c in found.candidates if c.user_id not in kept
    ]


def _keep_out_page(
    request: AuthenticatedHttpRequest, person_id: int | None, template: str, context: dict
) -> HttpResponse:
    form = KeepOutForm(submitted(request), auto_id="k-%s")
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            exclusions.keep_out(
                user=request.user,
                person_id=person_id,
                member_id=data["member"],
                presence=data["presence"] or None,
                confirmed=data["confirmed"],
            )
        except Invalid as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Done. This person can no longer read the record."))
            if person_id is None:
                return redirect("portal-exclusions")
            return redirect("person-exclusions", pk=person_id)
    found = exclusions.kept_out(user=request.user, person_id=person_id)
    form.offer(_choices(found))
    return render_with_forms(request, template, {**context, "found": found, "form": form}, form)


@login_required
@require_http_methods(["GET", "POST"])
def person_exclusions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """With the person: who of the following teams must not read their record, and a form to name one."""
    context = {"nav": "persons", "presence_choices": Presence.choices}
    return _keep_out_page(request, pk, "consent/say/person.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def portal_exclusions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """In the person's space: who must not read their record, and a form to name one."""
    return _keep_out_page(
        request, None, "consent/say/portal.html", {"nav": "portal-exclusions", "body_class": "portal"}
    )


@login_required
@require_POST
def lift(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The person (in their space, or with a worker) lets a member they kept out read again."""
    form = LetBackForm(request.POST)
    form.is_valid()  # every field is optional: the service says what is missing, on its field
    exclusion = exclusions.let_back(
        user=request.user,
        exclusion_id=pk,
        presence=form.cleaned_data.get("presence") or None,
        confirmed=bool(form.cleaned_data.get("confirmed")),
    )
    messages.success(
        request,
        _("Done. %(name)s can read the record again, with their team.") % {"name": exclusion.member.label},
    )
    if exclusion.person.account_id == request.user.pk:
        return redirect("portal-exclusions")
    return redirect("person-exclusions", pk=exclusion.person_id)


@login_required
@require_safe
def portal_notes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """In the person's space: every note about them, the hidden ones marked, each with a way to hide
    it or show it again."""
    return _notes_page(request)


def _teams(own: hidings.OwnNote) -> list[tuple[int, str]]:
    return [(t.pk, t.name) for t in own.teams]


def _notes_page(
    request: AuthenticatedHttpRequest, refused: HideForm | None = None, refused_id: int | None = None
) -> HttpResponse:
    page, shown = disclosed_page(request, hidings.my_notes(user=request.user), NOTES_PAGE)
    items = [
        {
            "own": own,
            "form": refused.offer(_teams(own))
            if refused is not None and refused_id == own.note.pk
            else HideForm(teams=_teams(own), auto_id=f"h{own.note.pk}-%s"),
        }
        for own in shown
    ]
    context = {"items": items, "page": page, "nav": "portal-notes", "body_class": "portal"}
    return render_with_forms(request, "consent/say/notes.html", context, refused)


@login_required
@require_POST
def portal_note_hide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Hide one note from every team but its author's, or from one team."""
    form = HideForm(request.POST, auto_id=f"h{pk}-%s")
    if form.is_valid():
        try:
            hidings.hide_note(user=request.user, note_id=pk, team_id=form.cleaned_data["team"])
        except Invalid as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Done. The note is hidden. You still see it here."))
            return redirect("portal-notes")
    return _notes_page(request, form, pk)


@login_required
@require_POST
def portal_note_show(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show a hidden note again to the teams it was hidden from."""
    hidings.show_note(user=request.user, hiding_id=pk)
    messages.success(request, _("Done. The note is shown again."))
    return redirect("portal-notes")
