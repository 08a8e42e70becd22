import os
import subprocess
import sys

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_connections_plan_for_an_ssd():
    """Every PostgreSQL connection sets ``random_page_cost`` 1.1 (``DB_RANDOM_PAGE_COST``)."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


@pytest.mark.parametrize(("value", "expected"), [("", None), ("2", "-c random_page_cost=2.0")])
def test_the_cost_can_be_set_or_left_to_the_server(value, expected):
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/x?options=-c%20statement_timeout%3D5000",
        "DB_RANDOM_PAGE_COST": value,
        "DJANGO_SETTINGS_MODULE": "tonglowan.settings",
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['OPTIONS'].get('options'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    # A connection's own options are kept beside it.
    assert out == " ".join(filter(None, ["-c statement_timeout=5000", expected]))
