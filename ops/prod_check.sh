#!/usr/bin/env bash
# Run the production configuration on this machine and check it end to end: DEBUG=0, a
# real SECRET_KEY, PostgreSQL, Redis, collectstatic, gunicorn on a loopback port, a Celery
# worker and beat; log in, open each role's main page, run the daily obligations check through the
# worker, prove two-factor login is required, run an Excel report through the worker and
# download it over HTTP, kill the worker half-way through a job (the job ends failed, its
# file is refused, a new worker runs jobs again), back up and restore into a new database
# and compare, restart PostgreSQL under a running server (a throwaway cluster of the
# check's own on port PROD_CHECK_PGPORT, never the machine's real one), and run
# `check --deploy` with the README's production settings.
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth), its binaries in /usr/lib/postgresql/N/bin
# and a `postgres` system user (initdb refuses root), and Redis on 127.0.0.1:6379.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8765}
DB=${PROD_CHECK_DB:-tonglowan_prod_check}
HOUSEHOLDS=${PROD_CHECK_HOUSEHOLDS:-1000}   # enough for a roster job to take seconds
PGPORT2=${PROD_CHECK_PGPORT:-55432}
PGBIN=/usr/lib/postgresql/$(ls /etc/postgresql | sort -V | tail -1)/bin
work=$(mktemp -d)
cluster=$(mktemp -d)   # the throwaway PostgreSQL cluster restarted under a running server
started_at=$(date +%s)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -f "$cluster/data/postmaster.pid" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null || true
  fi
  dropdb -h 127.0.0.1 -U postgres --if-exists "$DB" || true
  dropdb -h 127.0.0.1 -U postgres --if-exists "${DB}_restored" || true
  rm -rf "$work" "$cluster"
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
$PY manage.py seed_demo --households "$HOUSEHOLDS" --no-accounts >/dev/null
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
# A staff account with its authenticator app set up (the check computes its codes).
reports = U.objects.create_user('prodreports', password='Prod-check-2026!')
reports.groups.add(Group.objects.get(name='社区工作人员'))
from django_otp.plugins.otp_totp.models import TOTPDevice
device = TOTPDevice.objects.create(user=reports, name='prod check', confirmed=True)
open('$work/totp.hex', 'w').write(device.key)
"
mkdir -p "$MEDIA_ROOT/requests" && echo "evidence" > "$MEDIA_ROOT/requests/check.txt"

echo "== gunicorn on 127.0.0.1:$PORT and a Celery worker"
.venv/bin/gunicorn tonglowan.wsgi --workers 2 --bind "127.0.0.1:$PORT" --timeout 120 \
  --log-level warning &
pids+=($!)
.venv/bin/celery --quiet -A tonglowan worker --loglevel=warning --concurrency=1 --pool=solo &
worker=$!
pids+=($worker)
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

echo "== an Excel report through the worker; the worker killed half-way through a job"
$PY ops/prod_jobs.py "http://127.0.0.1:$PORT" "$DB" "$work/cookies.txt" start-and-kill "$worker"
wait "$worker" 2>/dev/null || true
.venv/bin/celery --quiet -A tonglowan worker --loglevel=info --logfile "$work/worker2.log" \
  --concurrency=1 --pool=solo &
pids+=($!)
$PY ops/prod_jobs.py "http://127.0.0.1:$PORT" "$DB" "$work/cookies.txt" after-restart \
  "$(cat "$work/killed.pk")"

echo "== beat: its periodic tasks reach the worker (reap_jobs every 2 s here)"
JOB_REAP_SECONDS=2 .venv/bin/celery -A tonglowan beat --loglevel=info --logfile "$work/beat.log" \
  --schedule "$work/beat-schedule" &
beat=$!
pids+=($beat)
ran=0
for _ in $(seq 90); do
  ran=$(grep -c 'Task core.tasks.reap_jobs\[.*\] succeeded' "$work/worker2.log" 2>/dev/null || true)
  [ "${ran:-0}" -ge 2 ] && break
  sleep 1
done
sent=$(grep -c 'Sending due task reap_jobs' "$work/beat.log" 2>/dev/null || true)
if [ "${ran:-0}" -lt 2 ]; then
  echo "beat sent reap_jobs ${sent:-0} times, the worker ran it ${ran:-0} times"
  tail -20 "$work/beat.log" "$work/worker2.log" || true
  exit 1
fi
kill "$beat" 2>/dev/null || true
echo "beat sent reap_jobs ${sent} times; the worker ran it ${ran} times"

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

echo "== PostgreSQL restarted under a running server (a throwaway cluster on port $PGPORT2)"
chown postgres "$cluster"
runuser -u postgres -- "$PGBIN/initdb" -D "$cluster/data" -U postgres --auth=trust -E UTF8 \
  --locale=C.UTF-8 >/dev/null
# its port and socket in its own configuration, so that every start (the check's own
# restart too) uses them and never the real cluster's
printf "port = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n" \
  "$PGPORT2" "$cluster" >> "$cluster/data/postgresql.conf"
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$cluster/data" -l "$cluster/postgres.log" -w \
  start >/dev/null
createdb -h 127.0.0.1 -p "$PGPORT2" -U postgres tonglowan_outage
DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT2/tonglowan_outage" \
  MEDIA_ROOT="$cluster/media" ops/restore.sh "$work/backup" >/dev/null
DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT2/tonglowan_outage" MEDIA_ROOT="$cluster/media" \
  .venv/bin/gunicorn tonglowan.wsgi --workers 1 --bind "127.0.0.1:$((PORT + 1))" --timeout 120 \
  --log-level warning 2>"$work/outage-gunicorn.log" &
pids+=($!)
for _ in $(seq 60); do curl -fs "http://127.0.0.1:$((PORT + 1))/accounts/login/" >/dev/null && break; sleep 1; done
$PY ops/prod_outage.py "http://127.0.0.1:$((PORT + 1))" "$PGBIN" "$cluster/data" \
  || { echo "server log:"; tail -50 "$work/outage-gunicorn.log"; exit 1; }

echo "== check --deploy with the README's production settings"
SECURE_SSL_REDIRECT=1 SECURE_HSTS_SECONDS=31536000 SECURE_HSTS_INCLUDE_SUBDOMAINS=1 \
  SECURE_HSTS_PRELOAD=1 SECURE_COOKIES=1 ALLOWED_HOSTS=tlw.example.org \
  $PY manage.py check --deploy --fail-level WARNING
echo "production check passed in $(( $(date +%s) - started_at )) s"
