#!/usr/bin/env bash
# Restore a backup made by ops/backup.sh into an EMPTY database and media folder:
# DATABASE_URL=postgres://…/newdb MEDIA_ROOT=/path ops/restore.sh DIR
set -euo pipefail
src=${1:?usage: ops/restore.sh DIR}
: "${DATABASE_URL:?DATABASE_URL must name the (empty) target database}"
: "${MEDIA_ROOT:?MEDIA_ROOT must name the (empty) target media folder}"
( cd "$src" && sha256sum --check --quiet SHA256SUMS )
pg_restore --no-owner --exit-on-error --dbname "$DATABASE_URL" "$src/db.dump"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xzf "$src/media.tar.gz"
echo "restored $src"
