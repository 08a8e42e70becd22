#!/usr/bin/env bash
# Back up the database (pg_dump, custom format) and the uploaded files (MEDIA_ROOT) into one
# folder: ops/backup.sh DIR. Reads DATABASE_URL and MEDIA_ROOT like the application.
set -euo pipefail
out=${1:?usage: ops/backup.sh DIR}
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database}"
media=${MEDIA_ROOT:-$(dirname "$0")/../var/media}
mkdir -p "$out"
pg_dump --format=custom --no-owner --file "$out/db.dump" "$DATABASE_URL"
tar -C "$media" -czf "$out/media.tar.gz" .
( cd "$out" && sha256sum db.dump media.tar.gz > SHA256SUMS )
echo "backup written to $out"
