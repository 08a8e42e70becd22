"""The load of ``python -m bench.load``: staff browsing and searching the registry and
building leaders on their phone pages, each user with a session made for it beforehand
(``BENCH_LOAD_SESSIONS``: a JSON file of {"staff": [...], "leaders": [...], "admins": [...],
"search": [...], "households": [...], "leader_households": {session: [pks]}}).

``BENCH_LOAD_MODE``: "pages" (the staff pages) or "admin" (the admin's pages instead) for the
mixed load of ``StaffUser`` and ``LeaderUser``; "list" or "admin-list" for ``ListUser``
alone, the head-to-head of the household list and the admin's household changelist."""

import json
import os
import random

from locust import HttpUser, between, constant, task

DATA = json.load(open(os.environ["BENCH_LOAD_SESSIONS"], encoding="utf-8"))
MODE = os.environ.get("BENCH_LOAD_MODE", "pages")


class _Session(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    pool = "staff"

    def get(self, url, name):
        """A page; one that redirects (to the login or second-factor page, say) counts as
        an error: the page asked for was not served."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200 or response.history:
                response.failure(f"status {response.status_code} at {response.url}")

    def on_start(self):
        pool = "admins" if MODE.startswith("admin") and self.pool == "staff" else self.pool
        self.session_key = random.choice(DATA[pool])
        self.client.cookies.set("sessionid", self.session_key)


class StaffUser(_Session):
    """Community staff: the household list, its searches, households, the overview."""

    weight = 50
    pool = "staff"

    @task(4)
    def household_list(self):
        if MODE == "admin":
            self.get("/admin/households/household/", "admin: household changelist")
        else:
            page = random.randint(1, 20)
            self.get(f"/households/?page={page}", "household list")

    @task(3)
    def search(self):
        term = random.choice(DATA["search"])
        if MODE == "admin":
            self.get(f"/admin/households/person/?q={term}", "admin: person search")
        else:
            self.get(f"/households/?q={term}", "household search")

    @task(2)
    def household(self):
        pk = random.choice(DATA["households"])
        if MODE == "admin":
            self.get(f"/admin/households/household/{pk}/change/", "admin: household")
        else:
            self.get(f"/households/{pk}/", "household page")

    @task(1)
    def overview(self):
        if MODE != "admin":
            self.get("/households/overview/", "overview")


class LeaderUser(_Session):
    """Building leaders on /m/: their home, their households, one household."""

    weight = 30
    pool = "leaders"

    @task(2)
    def home(self):
        self.get("/m/", "m: home")

    @task(2)
    def households(self):
        self.get("/m/households/", "m: households")

    @task(1)
    def household(self):
        pks = DATA["leader_households"].get(self.session_key) or []
        if pks:
            self.get(f"/m/households/{random.choice(pks)}/", "m: household")


class ListUser(_Session):
    """One list requested back to back (no pause: each user is one connection kept busy),
    on one of its first 20 pages: the household list, or with ``BENCH_LOAD_MODE``
    "admin-list" the admin's household changelist."""

    wait_time = constant(0)
    pool = "staff"

    @task
    def page(self):
        page = random.randint(1, 20)
        if MODE == "admin-list":
            self.get(f"/admin/households/household/?p={page}", "admin: household changelist")
        else:
            self.get(f"/households/?page={page}", "household list")
