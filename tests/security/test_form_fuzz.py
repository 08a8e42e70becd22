"""Bad input, everywhere: every form of the project, as every persona that may open it, gets
hypothesis-generated values (very long strings, control characters, emoji, full-width text,
``<script>``, negative and huge numbers, impossible dates, junk files) and must never answer
500, must write nothing when it refuses the post (the row counts of every table unchanged),
and must show back every value escaped (no raw ``<script>`` of ours in the answer, nor in
the page an accepted post redirects to).

The forms are found, not listed: every URL pattern of the URLconf (outside the admin) is
opened with GET as each persona, with the objects of the existence-oracle test's world for
the patterns with a pk, and a value for each distinct form of the patterns with a code or a
kind (each record kind, one report per report form); each ``<form method="post">`` of the
answer is fuzzed with the fields it renders (inputs, selects with their options,
textareas, file inputs). A form is fuzzed once per persona and per (view, field names):
an explicit worst case, plus ``FUZZ_EXAMPLES`` generated examples (default 2) for the
first persona that reaches it. The examples are derandomised so that CI is repeatable;
``FUZZ_EXAMPLES=50`` makes a deeper run."""

import html.parser
import os
import time
import traceback
import urllib.parse

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.security import test_existence_oracles as oracles
from tests.security.test_existence_oracles import OBJECT_OF, PERSONAS, _url

world = oracles.world  # the objects of every pattern with a pk (a fixture)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
JOB_KINDS = dict(django_settings.JOB_KINDS)  # the world adds a test kind and drops these

# Posting these would end the persona's session or switch its language: not forms of data.
NOT_FUZZED = {"logout", "set_language"}
# Views that answer 200 (not a redirect) to a post they accept, writing rows.
ACCEPTS_WITH_200 = {"two_factor_setup", "two_factor_verify"}
# Tables a refused post may touch: the session (the test client's, its messages).
MAY_CHANGE = {"django_session"}

SCRIPT = "<script>alert('fz')</script>"
MARKERS = (b"<script>alert('fz')", b"<svg onload=alert", b"<img src=x onerror")
NASTY = [
    SCRIPT,
    f'"><svg onload=alert(1)>{SCRIPT}',
    "'><img src=x onerror=alert(1)>",
    "\x00",
    "a\x00b",
    "\x1b[31m\x07\x08\x7f",
    "\r\n\t\x0b\x0c",
    "\u202e\u200b\ufeff",
    "😀👨‍👩‍👧‍👦🇨🇳",
    "ＡＢＣ１２３４５６７８９０　，。：；",
    "３６０７３５１９９００１０１００１１",
    "' OR 1=1 --",
    "%s%n%x{0}{{7*7}}",
    "../../../../etc/passwd",
    "",
    " ",
    "0",
    "-1",
    "-99999999999999999999",
    "99999999999999999999999999999999",
    "1e309",
    "NaN",
    "-0.0000000001",
    "9" * 400,
    "2026-02-30",
    "2026-13-45",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "1900-02-29",
    "2026-02-30T25:61",
    "25:61",
    "x" * 5000,
    "字" * 20000,
]
nasty_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E), max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.tuples(st.sampled_from(NASTY), st.text(max_size=10)).map("".join),
)
junk_files = st.sampled_from(
    [
        None,
        ("x.jpg", b"\xff\xd8\xff\xe0 not really a jpeg <?php system($_GET['c']); ?>"),
        ("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
        ("x.pdf", b"%PDF-1.4 " + SCRIPT.encode()),
        ("x.xlsx", b"PK\x03\x04 broken zip"),
        ("<script>.txt", SCRIPT.encode()),
        ("empty.jpg", b""),
    ]
)


class FormParser(html.parser.HTMLParser):
    """The ``<form method="post">`` of a page: action and fields (name → kind, options)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self.form = {"action": a.get("action") or "", "fields": {}}
                self.forms.append(self.form)
            return
        if self.form is None:
            return
        fields = self.form["fields"]
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                if name not in fields:
                    fields[name] = ("hidden", [a.get("value", "")])
                return
            if kind in ("checkbox", "radio"):
                old = fields.get(name, (kind, []))
                fields[name] = (kind, old[1] + [a.get("value", "on")])
            else:
                fields[name] = (kind, [a.get("value", "")])
        elif tag == "textarea" and name:
            fields[name] = ("text", [""])
        elif tag == "select" and name:
            self.select = name
            fields[name] = ("select-multiple" if "multiple" in a else "select", [])
        elif tag == "option" and self.select:
            fields[self.select][1].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


def field_strategy(kind, values):
    if kind == "file":
        return junk_files
    if kind == "checkbox":
        return st.lists(st.sampled_from(values), unique=True, max_size=len(values))
    if kind in ("select", "radio"):
        choices = [v for v in values if v != ""] or [""]
        return st.one_of(st.sampled_from(choices), st.sampled_from(choices), nasty_text)
    if kind == "select-multiple":
        return st.one_of(
            st.lists(st.sampled_from(values), unique=True, max_size=3) if values else st.just([]),
            st.lists(nasty_text, max_size=2),
        )
    if kind == "hidden":
        return st.one_of(st.just(values[0]), st.just(values[0]), nasty_text)
    return nasty_text


def worst_case(fields):
    """One explicit example of everything at once: every text a long ``<script>``, numbers
    huge and negative, dates impossible, choices that are not choices, junk files."""
    drawn = {}
    for name, (kind, values) in fields.items():
        if kind == "file":
            drawn[name] = ("x.jpg", b"\xff\xd8\xff\xe0 <?php system($_GET['c']); ?>")
        elif kind == "checkbox":
            drawn[name] = list(values)
        elif kind == "select-multiple":
            drawn[name] = [SCRIPT]
        elif kind == "hidden":
            drawn[name] = values[0]
        elif kind == "number":
            drawn[name] = "-99999999999999999999"
        elif kind in ("date", "datetime-local", "month"):
            drawn[name] = "2026-02-30"
        else:  # no NUL: that alone is refused at once; the length and markup must count
            drawn[name] = SCRIPT + "😀ＡＢＣ字\x1b\x07" * 1500
    return drawn


def post_data(fields, drawn):
    data = {}
    for name, value in drawn.items():
        kind = fields[name][0]
        if kind == "file":
            if value is not None:
                data[name] = SimpleUploadedFile(value[0], value[1])
        elif isinstance(value, list):
            if value:
                data[name] = value
        else:
            data[name] = value
    return data


def _patterns(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("admin/"):
                continue
            ns = ":".join(n for n in (namespace, p.namespace) if n) or None
            yield from _patterns(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), str(p.pattern)


def _code_values():
    from community.models import Department
    from services.obligations.rules import RULES
    from services.records.kinds import KINDS
    from services.reports.definitions import REPORTS

    one_report_per_form = {}
    for code, report in REPORTS.items():
        one_report_per_form.setdefault(report.form_class, code)
    return {
        # a list page per kind has the same filter form: one; each kind's new record its own
        "services:record_list": [{"kind": next(iter(KINDS))}],
        "services:record_create": [{"kind": k} for k in KINDS],
        "services:unit_dashboard_for": [
            {"code": Department.objects.order_by("code").values_list("code", flat=True)[0]}
        ],
        "services:rule_list": [{"code": next(iter(RULES))}],
        "reports:report_start": [{"code": c} for c in one_report_per_form.values()],
    }


def _urls(world):
    """Every URL to open: each pattern once, with the world's object or each known code."""
    codes = _code_values()
    for name, pattern in _patterns():
        if name in OBJECT_OF:
            key, extra, _readers = OBJECT_OF[name]
            yield _url(name, world[key].pk, extra, world)
        elif name in codes:
            for kwargs in codes[name]:
                yield reverse(name, kwargs=kwargs)
        elif "<" not in pattern:
            try:
                yield reverse(name)
            except NoReverseMatch:
                continue


def row_counts():
    tables = sorted(
        {
            m._meta.db_table
            for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy
        }
        - MAY_CHANGE
    )
    qn = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def _escaped(body):
    return not any(marker in body for marker in MARKERS)


def _posts_a_marker(drawn):
    return any(
        isinstance(v, str) and ("<script>" in v or "onerror" in v or "onload" in v)
        for v in drawn.values()
    )


def fuzz_form(client, action, fields, failures, label, *, generate=True):
    """Post the worst case, then (``generate``) ``EXAMPLES`` generated examples; no
    shrinking (a failure is reported with the example as drawn)."""
    strategy = st.fixed_dictionaries(
        {name: field_strategy(kind, values) for name, (kind, values) in fields.items()}
    )
    view = resolve(urllib.parse.urlsplit(action).path).url_name

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=(Phase.explicit, Phase.generate) if generate else (Phase.explicit,),
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    @example(worst_case(fields))
    def run(drawn):
        with transaction.atomic():
            before = row_counts()
            response = client.post(action, post_data(fields, drawn))
            assert response.status_code < 500, response.status_code
            body = _body(response)
            assert _escaped(body), "a posted value is shown back unescaped"
            if response.status_code in (301, 302, 303):
                target = response["Location"]
                if target.startswith("/") and _posts_a_marker(drawn):
                    shown = client.get(target)
                    assert shown.status_code < 500, (target, shown.status_code)
                    assert _escaped(_body(shown)), f"{target} shows a value unescaped"
            elif view not in ACCEPTS_WITH_200:
                after = row_counts()
                changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
                assert not changed, f"refused ({response.status_code}) but wrote {changed}"
            transaction.set_rollback(True)

    try:
        run()
    except Exception as exc:  # collect every form's failure, each with its example
        failures.append(f"{label}:\n" + _describe(exc))


def _describe(exc):
    parts = []
    for sub in getattr(exc, "exceptions", None) or [exc]:
        frames = traceback.extract_tb(sub.__traceback__)
        where = next(
            (f"{f.filename}:{f.lineno}" for f in reversed(frames) if "/.venv/" not in f.filename),
            "",
        )
        text = "".join(traceback.format_exception_only(type(sub), sub)).strip()[:400]
        notes = "\n".join(getattr(sub, "__notes__", []))[:1200]
        parts.append(f"  {text}\n  at {where}\n{notes}")
    return "\n".join(parts)


PERSONAS_FUZZED = [*PERSONAS, "leader_b"]  # leader_b: the leader of the world's building B


def test_every_form_takes_bad_input_cleanly(request, persona_clients, world, settings):
    """One walk per persona over one world (built once: it is the expensive part). A form
    (view, field names) gets its generated examples from the first persona that reaches it;
    later personas post its worst case only."""
    settings.JOB_KINDS = {**JOB_KINDS, **settings.JOB_KINDS}
    fuzzed, failures, reached = set(), [], {}
    for persona in PERSONAS_FUZZED:
        client = persona_clients(persona)
        seen = set()
        timings = {"get": 0.0, "fuzz": 0.0}
        for url in _urls(world):
            started = time.monotonic()
            page = client.get(url)
            timings["get"] += time.monotonic() - started
            if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
                continue
            parser = FormParser()
            parser.feed(_body(page).decode("utf-8", "replace"))
            for form in parser.forms:
                action = urllib.parse.urljoin(url, form["action"]) if form["action"] else url
                try:
                    view = resolve(urllib.parse.urlsplit(action).path).url_name
                except Resolver404:
                    continue
                key = (view, tuple(sorted(form["fields"])))
                if view in NOT_FUZZED or key in seen:
                    continue
                seen.add(key)
                started = time.monotonic()
                label = f"{persona} {url} → {action}"
                fuzz_form(
                    client, action, form["fields"], failures, label, generate=key not in fuzzed
                )
                fuzzed.add(key)
                timings["fuzz"] += time.monotonic() - started
        reached[persona] = len(seen)
        print(
            f"{persona}: {len(seen)} forms, get {timings['get']:.1f} s, "
            f"fuzz {timings['fuzz']:.1f} s"
        )
    assert failures == [], f"{len(failures)} forms failed:\n\n" + "\n\n".join(failures)
    # the walk really reaches the forms: every persona with a role has several to fill
    assert all(n >= 3 for p, n in reached.items() if p != "outsider"), reached
    assert len(fuzzed) >= 80, len(fuzzed)  # 92 distinct forms when this was written


@pytest.fixture
def persona_clients(request, world):
    """``persona_clients(name)``: a new test client logged in as that persona."""
    from django.test import Client

    def client_for(persona):
        user = (
            get_user_model().objects.get(username="leader_b")
            if persona == "leader_b"
            else request.getfixturevalue(persona)
        )
        client = Client()
        client.force_login(user)
        return client

    return client_for


# --- the failures the fuzz found, each kept as an explicit case -----------------------------


def test_a_next_that_is_not_a_local_path_goes_to_the_default(rf):
    """Found by the fuzz: the requests' bulk assignment redirected to any ``next`` that
    ``url_has_allowed_host_and_scheme`` let through, and ``redirect`` took a bare word such
    as ``'><img src=x onerror=alert(1)>`` for a view name: a 500 (NoReverseMatch)."""
    from core.redirects import local_next

    for bad in (
        "'><img src=x onerror=alert(1)>",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "home",
        "",
    ):
        assert local_next(rf.post("/", {"next": bad}), "/default/") == "/default/", bad
    assert local_next(rf.post("/", {"next": "/services/?q=1"}), "/d/") == "/services/?q=1"
    assert local_next(rf.get("/", {"next": "/m/"}), "/d/") == "/m/"


def test_the_bulk_assignment_with_a_bare_word_next_redirects_to_the_queue(client_for, staff_user):
    response = client_for(staff_user).post(
        "/services/requests/assign/", {"next": "'><img src=x onerror=alert(1)>", "unit": "1"}
    )
    assert response.status_code == 302 and response["Location"] == "/services/requests/"
