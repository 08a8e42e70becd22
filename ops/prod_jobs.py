"""Background jobs through the real Celery worker, over HTTP (used by ops/prod_check.sh).

``python ops/prod_jobs.py BASE DB COOKIES start-and-kill WORKER_PID`` logs in as the staff
account ``prodreports`` (password, then its authenticator code), runs the ``roster`` Excel
report through the worker, downloads the file and opens it with openpyxl; then starts a
second roster, kills the worker (SIGKILL) while the job is half-way, and checks that the
job's file is refused. It prints the killed job's number.

``python ops/prod_jobs.py BASE DB COOKIES after-restart JOB_PK`` (once a new worker runs):
the killed job has ended failed with a message, its download is still refused, and a new
roster job runs through the new worker and downloads whole.
"""

import http.cookiejar
import io
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import openpyxl
from django_otp.oath import totp

BASE, DB, COOKIES, COMMAND, ARG = sys.argv[1].rstrip("/"), *sys.argv[2:6]
PASSWORD = "Prod-check-2026!"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


jar = http.cookiejar.MozillaCookieJar(COOKIES)
if os.path.exists(COOKIES):
    jar.load(ignore_discard=True)
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())


def request(path, data=None):
    if data is not None:
        data = urllib.parse.urlencode(data).encode()
    req = urllib.request.Request(BASE + path, data=data, headers={"Referer": BASE + path})
    try:
        response = opener.open(req, timeout=120)
    except urllib.error.HTTPError as exc:
        response = exc
    body = response.read()
    jar.save(ignore_discard=True)
    return response.status, response.headers, body


def csrf(path):
    status, _h, body = request(path)
    assert status == 200, (path, status)
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()


def sql(query):
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DB, "-tAc", query],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def job_row(pk):
    status, done, size = sql(
        f"SELECT status, done_rows, result_file FROM core_job WHERE id = {int(pk)}"
    ).split("|")
    return status, int(done), size


def login():
    token = csrf("/accounts/login/")
    status, headers, _b = request(
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "username": "prodreports", "password": PASSWORD},
    )
    assert status == 302, ("login", status)
    status, headers, _b = request("/reports/")
    assert status == 302 and headers["Location"].startswith("/accounts/2fa/?"), (
        status,
        headers["Location"],
    )
    key = bytes.fromhex(open(os.path.join(os.path.dirname(COOKIES), "totp.hex")).read().strip())
    code = f"{totp(key):06d}"
    token = csrf("/accounts/2fa/")
    status, headers, _b = request(
        "/accounts/2fa/?next=/reports/",
        {"csrfmiddlewaretoken": token, "token": code, "next": "/reports/"},
    )
    assert status == 302 and headers["Location"] == "/reports/", ("2fa", status)
    assert request("/reports/")[0] == 200
    print("staff with full-ID rights: logged in with password and authenticator code")


def start_roster():
    token = csrf("/reports/roster/")
    status, headers, body = request(
        "/reports/roster/", {"csrfmiddlewaretoken": token, "format": "xlsx"}
    )
    assert status == 302, ("roster form refused", status, body[:2000])
    pk = int(re.fullmatch(r"/jobs/(\d+)/", headers["Location"]).group(1))
    return pk


def wait_for(pk, statuses, timeout=600, done_rows=0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, done, _f = job_row(pk)
        if status in statuses and done >= done_rows:
            return status, done
        if status in ("done", "failed") and status not in statuses:
            raise SystemExit(f"job {pk} ended {status} before it was half-way")
        time.sleep(0.1)
    raise SystemExit(f"job {pk}: still {job_row(pk)} after {timeout} s")


def download_whole(pk):
    status, _done = wait_for(pk, ("done", "failed"))
    assert status == "done", (pk, status, sql(f"SELECT message FROM core_job WHERE id = {pk}"))
    page = request(f"/jobs/{pk}/status/")[2].decode()
    assert f"/jobs/{pk}/download/" in page, "the job's page offers no download"
    status, headers, body = request(f"/jobs/{pk}/download/")
    assert status == 200, ("download", status)
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    sheets = {ws.title: ws.max_row for ws in book.worksheets}
    assert {"户", "人员", "楼栋汇总"} <= set(sheets), sheets
    return len(body), sheets


def start_and_kill(worker_pid):
    login()
    pk = start_roster()
    size, sheets = download_whole(pk)
    print(
        f"roster job #{pk} ran in the worker; downloaded {size} bytes over HTTP, "
        f"opened with openpyxl: {sheets}"
    )

    pk = start_roster()
    _status, done = wait_for(pk, ("running",), done_rows=1)
    os.kill(worker_pid, signal.SIGKILL)
    time.sleep(1)
    status, done, result = job_row(pk)
    assert status == "running" and not result, (
        f"job #{pk} was not half-way when the worker was killed: {status}"
    )
    assert request(f"/jobs/{pk}/download/")[0] == 404
    page = request(f"/jobs/{pk}/status/")[2].decode()
    assert f"/jobs/{pk}/download/" not in page
    print(
        f"roster job #{pk}: worker killed (SIGKILL) at {done} rows; "
        "the job is left running and its download is refused (404)"
    )
    with open(os.path.join(os.path.dirname(COOKIES), "killed.pk"), "w") as fh:
        fh.write(str(pk))


def after_restart(killed):
    status, _done = wait_for(killed, ("failed", "done"), timeout=120)
    message = sql(f"SELECT message FROM core_job WHERE id = {killed}")
    assert status == "failed" and "后台进程" in message, (status, message)
    assert request(f"/jobs/{killed}/download/")[0] == 404
    page = request(f"/jobs/{killed}/")[2].decode()
    assert "后台进程" in page, "the job's page does not say why it failed"
    print(
        f"roster job #{killed}: failed by the new worker at its start: {message}; "
        "download still refused"
    )
    pk = start_roster()
    size, sheets = download_whole(pk)
    print(f"roster job #{pk} ran in the new worker; downloaded {size} bytes, opened: {sheets}")


if COMMAND == "start-and-kill":
    start_and_kill(int(ARG))
elif COMMAND == "after-restart":
    after_restart(int(ARG))
else:
    raise SystemExit(__doc__)
