"""Domain errors as web pages: the one translation from the services' refusals to HTTP for templates.

The API has ``relais.exceptions``; pages answer the same way (404 for what is hidden, 403 for a
missing role) but as HTML, and send a member who has not yet accepted the commitment to it.
"""

from __future__ import annotations

import functools
import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from relais import crypto
from relais.errors import AuditUnavailable, CommitmentRequired, DomainError, Hidden

log = logging.getLogger(__name__)


def unavailable(request, message: str):
    return render(request, "503.html", {"message": message}, status=503)


def pages(view):
    """Wrap a page view so that the services' refusals become the right page."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Hidden:
            raise Http404() from None
        except CommitmentRequired:
            return redirect(f"{reverse('commitment')}?{urlencode({'next': request.get_full_path()})}")
        except AuditUnavailable as exc:
            return unavailable(request, str(exc.detail))
        except crypto.CryptoError as exc:
            log.error("encrypted data unreadable: %s", exc)
            return unavailable(request, "")
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied(str(exc.detail)) from None
            raise

    return wrapped


def form_errors(form, exc: DomainError) -> None:
    """Put a service's refusal on the form: per field when it names one, on the form otherwise."""
    if isinstance(exc.detail, dict):
        for field, errors in exc.detail.items():
            for error in errors if isinstance(errors, list) else [errors]:
                form.add_error(field if field in form.fields else None, str(error))
    else:
        form.add_error(None, str(exc.detail))
