"""Names shared by the Kubernetes manifests and the operations CLI.

These are the runbook's names, kept as the defaults so that an installation made by hand can switch
to the manifests in deploy/kubernetes without recreating anything. tests/deploy checks that the
rendered manifests use exactly these; the bootstrap and deploy commands import them.
"""

# ruff: noqa: S105 - these are names of Kubernetes secrets and keys, not secret values
from __future__ import annotations

NAMESPACES = {"dev": "invoicetron-dev", "prod": "invoicetron-prod"}

# Secrets and their keys.
DB_SECRET = "invoicetron-db"
DB_PASSWORD_KEY = "postgres-password"
APP_SECRET = "invoicetron-app"
DATABASE_URL_KEY = "database-url"
SECRET_KEY_KEY = "better-auth-secret"
PULL_SECRET = "gitlab-registry"
SECRET_KEYS: dict[str, tuple[str, ...]] = {
    DB_SECRET: (DB_PASSWORD_KEY,),
    APP_SECRET: (DATABASE_URL_KEY, SECRET_KEY_KEY),
}
# Keys a pod reads only when present (secretKeyRef.optional): the SMTP password, added by the
# operator when the SMTP server needs one. Bootstrap does not create them; rotation keeps them.
EMAIL_PASSWORD_KEY = "email-host-password"
OPTIONAL_SECRET_KEYS: dict[str, tuple[str, ...]] = {APP_SECRET: (EMAIL_PASSWORD_KEY,)}

# Workloads and services.
DB_NAME = "invoicetron-db"  # StatefulSet, headless Service and CloudNativePG Cluster
DB_USER = "invoicetron"
DB_DATABASE = "invoicetron"
DB_PORT = 5432
APP_NAME = "invoicetron"  # Deployment and Service
APP_CONTAINER = "app"
APP_PORT = 3000
WORKER_NAME = "invoicetron-worker"  # Deployment running `invoicetron worker`
WORKER_CONTAINER = "worker"
MIGRATE_JOB = "invoicetron-migrate"
BACKUP_CRONJOB = "invoicetron-db-backup"
BACKUP_PVC = "invoicetron-backups"

# CI's access.
DEPLOY_SERVICE_ACCOUNT = "gitlab-deploy"
DEPLOY_TOKEN_SECRET = "gitlab-deploy-token"

# Labels. The database's network policy admits pods whose component is one of DB_CLIENTS.
PART_OF_LABEL = "app.kubernetes.io/part-of"
NAME_LABEL = "app.kubernetes.io/name"
COMPONENT_LABEL = "app.kubernetes.io/component"
DB_CLIENTS = ("web", "migrate", "worker", "backup")

# Where the app answers.
LIVENESS_PATH = "/api/health"
READINESS_PATH = "/api/ready"

# Hostnames, registry and 1Password names are the cluster's, not Invoicetron's: they live in
# deploy/kubernetes/cluster/settings.yaml (read by ops/k8s/cluster_settings.py).
