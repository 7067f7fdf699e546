"""The service's settings, with the benchmarks' URLs (the service's plus a plain list to compare)."""

from relais.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["*"]
