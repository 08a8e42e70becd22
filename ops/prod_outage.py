"""PostgreSQL restarted under a running server (used by ops/prod_check.sh):
``python ops/prod_outage.py BASE PGBIN DATADIR``. DATADIR is a throwaway cluster of the
check's own (never the machine's real one) that the server at BASE uses. Logs in as the
building leader, opens a page, stops the cluster: requests then get the Chinese error page
(no traceback, nothing of the exception); starts it again: the same server answers again,
without a restart of its own (CONN_HEALTH_CHECKS replaces the broken connections)."""

import http.cookiejar
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

BASE, PGBIN, DATADIR = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
PASSWORD = "Prod-check-2026!"
PAGE = "/m/households/"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(
    urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
)


def request(path, data=None):
    if data is not None:
        data = urllib.parse.urlencode(data).encode()
    req = urllib.request.Request(BASE + path, data=data, headers={"Referer": BASE + path})
    try:
        response = opener.open(req, timeout=60)
    except urllib.error.HTTPError as exc:
        response = exc
    return response.status, response.read().decode("utf-8", "replace")


def pg_ctl(*args):
    subprocess.run(
        ["runuser", "-u", "postgres", "--", f"{PGBIN}/pg_ctl", "-D", DATADIR, "-w", *args],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main():
    status, html = request("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    status, _html = request(
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "username": "prodleader", "password": PASSWORD},
    )
    assert status == 302, ("login", status)
    assert request(PAGE)[0] == 200
    print(f"before: {PAGE} 200 (the server holds a database connection)")

    pg_ctl("stop", "-m", "fast")
    started = time.monotonic()
    outage = [request(PAGE) for _ in range(3)]
    for status, html in outage:
        assert status in (500, 503), ("during the outage", status)
        assert "系统暂时无法使用" in html, "the error page is not the Chinese one"
        for leak in ("Traceback", "OperationalError", "psycopg", "connection", "5432"):
            assert leak not in html, f"the error page shows {leak!r}"
    print(
        f"PostgreSQL stopped: {len(outage)} requests got {outage[0][0]} with the Chinese "
        "error page 系统暂时无法使用 (no traceback, nothing of the exception)"
    )

    pg_ctl("start", "-l", f"{DATADIR}/../postgres.log")  # port and socket: its own conf
    after = [request(PAGE)[0] for _ in range(3)]
    assert after == [200, 200, 200], ("after the restart", after)
    print(
        f"PostgreSQL started again after {time.monotonic() - started:.1f} s: {PAGE} "
        f"answers {after} from the same server, not restarted"
    )


if __name__ == "__main__":
    main()
