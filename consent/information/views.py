"""The information texts as pages anyone can open: what a person is told before consenting, to read
aloud, print or read again. They are the deployment's public words, not anyone's data."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from consent.information import texts


@require_safe
def current(request: HttpRequest) -> HttpResponse:
    """The texts given now, in every language and reading level."""
    return render(request, "consent/information/current.html", {"texts": texts.current_texts()})


@require_safe
def text(request: HttpRequest, pk: int) -> HttpResponse:
    """One text, exactly as it was published: the version a consent names."""
    found = texts.published(pk)
    newer = next(
        (
            t
            for t in texts.current_texts()
            if t.language == found.language and t.easy_read == found.easy_read and t.pk != found.pk
        ),
        None,
    )
    return render(request, "consent/information/text.html", {"text": found, "newer": newer})
