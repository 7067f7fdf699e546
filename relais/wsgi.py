"""The WSGI application gunicorn serves."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")
application = get_wsgi_application()
# What is loaded by now (Django, the apps, their URLs and templates' engines) lives as long as the
# worker: set apart from the collector, a full collection no longer walks it in the middle of a
# request (the person page, which makes the most objects, paid for it most often).
gc.freeze()
