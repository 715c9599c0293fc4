import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "invoicetron.settings")

from invoicetron.health.bodylimit import read_chunked_bodies  # noqa: E402 - needs the settings

# Django reads a body by its Content-Length only; bodies sent in chunks are counted as they are read.
application = read_chunked_bodies(get_wsgi_application())
