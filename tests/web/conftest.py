import pytest
from django.test import Client


@pytest.fixture
def web():
    """A browser-like client (French unless told otherwise); ``web.as_(user)`` signs in as ``user``."""

    class Web(Client):
        def as_(self, user):
            self.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            return self

    return Web()
