"""Log in to a running server as each kind of account and open its main pages (used by
ops/prod_check.sh): ``python ops/prod_pages.py http://127.0.0.1:PORT``."""

import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request

BASE = sys.argv[1].rstrip("/")
PASSWORD = "Prod-check-2026!"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def session():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())


def get(opener, path):
    try:
        response = opener.open(BASE + path, timeout=60)
    except urllib.error.HTTPError as exc:
        response = exc
    return response.status, response.headers, response.read().decode("utf-8", "replace")


def login(username):
    opener = session()
    status, _headers, html = get(opener, "/accounts/login/")
    assert status == 200, status
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
    ).encode()
    request = urllib.request.Request(
        BASE + "/accounts/login/", data=data, headers={"Referer": BASE + "/accounts/login/"}
    )
    try:
        response = opener.open(request, timeout=60)
    except urllib.error.HTTPError as exc:
        response = exc
    assert response.status == 302, f"login of {username}: {response.status}"
    return opener


def main():
    status, headers, html = get(session(), "/accounts/login/")
    assert status == 200 and "default-src 'self'" in headers["Content-Security-Policy"]
    css = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', html)
    assert css, "static files are not served from the manifest"
    assert get(session(), css.group(1))[0] == 200
    print("login page, CSP header and hashed static files: ok")

    leader = login("prodleader")
    for path in ("/m/", "/m/households/", "/m/hygiene/", "/m/visits/"):
        status, headers, html = get(leader, path)
        assert status == 200, (path, status)
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert get(leader, "/households/999999/")[0] == 404
    print("building leader: phone pages ok, 404 outside the building")

    staff = login("prodstaff")
    status, headers, _html = get(staff, "/households/")
    assert status == 302 and headers["Location"].startswith("/accounts/2fa/"), status
    status, _h, html = get(staff, "/accounts/2fa/setup/")
    assert status == 200 and "data:image/svg+xml" in html
    print("staff with full-ID rights: sent to two-factor setup, no page without it")


if __name__ == "__main__":
    main()
