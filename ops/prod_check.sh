#!/usr/bin/env bash
# Run the production configuration on this machine and check it end to end: DEBUG=0, a
# real SECRET_KEY, PostgreSQL, Redis, collectstatic, gunicorn on a loopback port, a Celery
# worker; log in, open each role's main page, run the daily obligations check through the
# worker, prove two-factor login is required, back up and restore into a new database and
# compare, and run `check --deploy` with the README's production settings.
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth) and Redis on 127.0.0.1:6379.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8765}
DB=${PROD_CHECK_DB:-tonglowan_prod_check}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  dropdb -h 127.0.0.1 -U postgres --if-exists "$DB" || true
  dropdb -h 127.0.0.1 -U postgres --if-exists "${DB}_restored" || true
  rm -rf "$work"
}
trap cleanup EXIT

export DEBUG=0
SECRET_KEY=$($PY -c "import secrets; print(secrets.token_urlsafe(50))")
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export REDIS_URL=${PROD_CHECK_REDIS:-redis://127.0.0.1:6379/14}
export MEDIA_ROOT="$work/media"
export SECURE_COOKIES=0          # plain http on the loopback; nginx adds TLS in production
export REQUIRE_2FA=1
export LOG_LEVEL=WARNING

dropdb -h 127.0.0.1 -U postgres --if-exists "$DB"
createdb -h 127.0.0.1 -U postgres "$DB"
redis-cli -u "$REDIS_URL" flushdb >/dev/null

echo "== migrate, compilemessages, collectstatic"
$PY manage.py migrate -v0
$PY manage.py compilemessages --ignore=.venv -v0
$PY manage.py collectstatic --noinput -v0
$PY manage.py seed_demo --households 60 --no-accounts >/dev/null
$PY manage.py shell -v0 -c "
from django.contrib.auth.models import Group
from django.contrib.auth import get_user_model
from buildings.models import Building
from buildings.services import leader_term_start
import datetime
U = get_user_model()
staff = U.objects.create_user('prodstaff', password='Prod-check-2026!')
staff.groups.add(Group.objects.get(name='社区工作人员'))
leader = U.objects.create_user('prodleader', password='Prod-check-2026!')
leader.groups.add(Group.objects.get(name='楼长'))
leader_term_start(building=Building.objects.order_by('code').first(), user=leader, elected_on=datetime.date(2019, 7, 1))
"
mkdir -p "$MEDIA_ROOT/requests" && echo "evidence" > "$MEDIA_ROOT/requests/check.txt"

echo "== gunicorn on 127.0.0.1:$PORT and a Celery worker"
.venv/bin/gunicorn tonglowan.wsgi --workers 2 --bind "127.0.0.1:$PORT" --timeout 120 \
  --log-level warning &
pids+=($!)
.venv/bin/celery -A tonglowan worker --loglevel=warning --concurrency=1 --pool=solo &
pids+=($!)
for _ in $(seq 60); do curl -fs "http://127.0.0.1:$PORT/accounts/login/" >/dev/null && break; sleep 1; done

echo "== pages"
$PY ops/prod_pages.py "http://127.0.0.1:$PORT"

echo "== the daily obligations check through the worker"
$PY manage.py shell -v0 -c "
from services.obligations.tasks import check_obligations
from services.obligations.models import RuleSnapshot
result = check_obligations.delay().get(timeout=300)
assert RuleSnapshot.objects.exists(), 'no snapshot written'
print('worker ran check_obligations:', RuleSnapshot.objects.count(), 'rule snapshots')
"

echo "== backup and restore into a new database"
ops/backup.sh "$work/backup" >/dev/null
createdb -h 127.0.0.1 -U postgres "${DB}_restored"
DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}_restored" MEDIA_ROOT="$work/restored-media" \
  ops/restore.sh "$work/backup" >/dev/null
counts() {
  psql -h 127.0.0.1 -U postgres -d "$1" -tAc "
    SELECT (SELECT count(*) FROM households_household), (SELECT count(*) FROM households_person),
           (SELECT count(*) FROM households_historicalperson), (SELECT count(*) FROM core_auditlog),
           (SELECT md5(string_agg(id_number, ',' ORDER BY id)) FROM households_person)"
}
a=$(counts "$DB"); b=$(counts "${DB}_restored")
[ "$a" = "$b" ] || { echo "restored database differs: $a vs $b"; exit 1; }
diff -r "$MEDIA_ROOT" "$work/restored-media" >/dev/null || { echo "restored media differ"; exit 1; }
echo "restored: households|people|person history|audit|id checksum = $b; media identical"

echo "== check --deploy with the README's production settings"
SECURE_SSL_REDIRECT=1 SECURE_HSTS_SECONDS=31536000 SECURE_HSTS_INCLUDE_SUBDOMAINS=1 \
  SECURE_HSTS_PRELOAD=1 SECURE_COOKIES=1 ALLOWED_HOSTS=tlw.example.org \
  $PY manage.py check --deploy --fail-level WARNING
echo "production check passed"
