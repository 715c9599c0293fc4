#!/bin/sh
# One database backup: pg_dump in custom format, proven readable, then old dumps pruned.
#
# Fails loudly (non-zero exit, message on stderr) when the dump is empty or pg_restore cannot read
# it, so a broken backup shows as a failed Job and an alert, never as silence (lessons 10 and 13).
# Connection settings come from the standard PGHOST, PGPORT, PGUSER, PGDATABASE and PGPASSWORD.
# With OFFSITE_DIR set (components/backup-offsite: an NFS share outside the cluster), each checked
# dump is also copied there, the copy checked the same way, and that directory pruned to
# BACKUP_OFFSITE_KEEP_DAYS days; a failed copy fails the Job after the local dump is kept.
# Used by the Kubernetes CronJob and by the backup service of compose.yaml.
set -eu

dir="${BACKUP_DIR:-/backups}"
keep_days="${BACKUP_KEEP_DAYS:-7}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
file="$dir/invoicetron_$stamp.dump"
partial="$file.partial"

fail() {
    echo "Backup FAILED: $1" >&2
    rm -f "$partial"
    exit 1
}

pg_dump --format=custom --file="$partial" || fail "pg_dump exited with an error"
[ -s "$partial" ] || fail "the dump is empty"
listing="$(pg_restore --list "$partial")" || fail "pg_restore cannot read the dump"
tables="$(printf '%s\n' "$listing" | grep -c ' TABLE DATA ' || true)"
[ "$tables" -gt 0 ] || fail "the dump holds no table data (wrong database, or not migrated?)"
mv "$partial" "$file"
date -u +%Y-%m-%dT%H:%M:%SZ > "$dir/last-success"

# Keep $keep_days days of dumps: delete those modified more than $keep_days*24 hours ago.
find "$dir" -maxdepth 1 -type f -name 'invoicetron_*.dump' -mmin +$((keep_days * 1440)) -delete
find "$dir" -maxdepth 1 -type f -name 'invoicetron_*.dump.partial' -delete

echo "Backup completed: $file ($(wc -c < "$file") bytes, $tables tables)"

if [ -n "${OFFSITE_DIR:-}" ]; then
    offsite_keep_days="${BACKUP_OFFSITE_KEEP_DAYS:-14}"
    copy="$OFFSITE_DIR/$(basename "$file")"
    partial="$copy.partial"
    cp "$file" "$partial" || fail "cannot write the off-cluster copy to $OFFSITE_DIR"
    cmp -s "$file" "$partial" || fail "the off-cluster copy differs from the dump"
    pg_restore --list "$partial" > /dev/null || fail "pg_restore cannot read the off-cluster copy"
    mv "$partial" "$copy"
    date -u +%Y-%m-%dT%H:%M:%SZ > "$OFFSITE_DIR/last-success"
    find "$OFFSITE_DIR" -maxdepth 1 -type f -name 'invoicetron_*.dump' \
        -mmin +$((offsite_keep_days * 1440)) -delete
    find "$OFFSITE_DIR" -maxdepth 1 -type f -name 'invoicetron_*.dump.partial' -delete
    echo "Off-cluster copy completed: $copy ($offsite_keep_days days kept there)"
fi
