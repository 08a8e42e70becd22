"""core.querysets.without_jit: PostgreSQL's JIT compiler off inside, the default after."""

import pytest
from django.db import connection

from core.querysets import without_jit


def _jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_jit_is_off_inside_and_back_after():
    if connection.vendor != "postgresql":
        with without_jit():  # a no-op elsewhere
            pass
        return
    before = _jit()
    with without_jit():
        assert _jit() == "off"
    assert _jit() == before


@pytest.mark.django_db
def test_an_export_runs_without_jit(monkeypatch, tmp_path, django_user_model):
    """The export's own queries see jit off (on PostgreSQL)."""
    from services.reports import services

    seen = []
    original = services.open_writer

    def open_writer(*args, **kwargs):
        if connection.vendor == "postgresql":
            seen.append(_jit())
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "open_writer", open_writer)
    from services.reports.definitions import REPORTS

    user = django_user_model.objects.create_superuser("admin-jit", password="x")
    services.report_export(
        report=REPORTS["roster"], user=user, params={}, path=str(tmp_path / "r.xlsx")
    )
    assert seen == (["off"] if connection.vendor == "postgresql" else [])
