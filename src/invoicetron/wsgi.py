import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "invoicetron.settings")

from invoicetron.health.bodylimit import read_chunked_bodies

# Django reads a body by its Content-Length only; chunked bodies are counted as they are read.
application = read_chunked_bodies(get_wsgi_application())
