import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from ownersassoc import excel, services
from ownersassoc.models import Ballot, BallotSheet

pytestmark = pytest.mark.django_db


def _xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def test_import_writes_every_row(meeting, register, staff_user):
    file = _xlsx(
        [
            ["身份证号", "议题1", "议题2"],
            [register["owner1"].id_number, "同意", "反对"],
            [register["owner3"].id_number.lower(), "弃权", "同意"],
        ]
    )
    result = excel.ballots_import(meeting=meeting, file=file, user=staff_user)
    assert (result.created, result.errors) == (2, [])
    assert BallotSheet.objects.filter(status="confirmed").count() == 2
    first = meeting.motions.get(number=1)
    assert dict(Ballot.objects.filter(motion=first).values_list("owner_id", "choice")) == {
        register["owner1"].pk: "agree",
        register["owner3"].pk: "abstain",
    }


def test_a_wrong_row_imports_nothing_and_is_named(meeting, register, staff_user):
    services.sheet_record(
        meeting=meeting,
        owner=register["owner5"],
        choices={m.pk: "agree" for m in meeting.motions.all()},
        source=BallotSheet.Source.STAFF,
        user=staff_user,
    )
    file = _xlsx(
        [
            ["身份证号", "议题1", "议题2"],
            [register["owner1"].id_number, "同意", "同意"],
            [register["owner3"].id_number, "同意", "赞成"],
        ]
    )
    result = excel.ballots_import(meeting=meeting, file=file, user=staff_user)
    assert result.created == 0
    assert len(result.errors) == 1
    assert "Row 3" in result.errors[0] or "第 3 行" in result.errors[0]
    assert "议题2" in result.errors[0]
    file = _xlsx(
        [
            ["身份证号", "议题1", "议题2"],
            [register["owner1"].id_number, "同意", "同意"],
            [register["owner5"].id_number, "同意", "同意"],
            [register["owner1"].id_number, "反对", "反对"],
            ["36073519850615002X", "同意", "同意"],
        ]
    )
    result = excel.ballots_import(meeting=meeting, file=file, user=staff_user)
    assert result.created == 0 and len(result.errors) == 3  # voted already, duplicate, unknown
    assert BallotSheet.objects.count() == 1


def test_missing_columns_and_not_a_workbook(meeting, register, staff_user):
    result = excel.ballots_import(
        meeting=meeting, file=_xlsx([["身份证号", "议题1"]]), user=staff_user
    )
    assert "议题2" in result.errors[0]
    result = excel.ballots_import(meeting=meeting, file=io.BytesIO(b"not excel"), user=staff_user)
    assert result.created == 0 and result.errors


def test_import_page(client_for, staff_user, committee_user, meeting, register):
    url = reverse("ownersassoc:sheet_import", args=[meeting.pk])
    assert client_for(committee_user).get(url).status_code == 403
    file = _xlsx([["身份证号", "议题1", "议题2"], [register["owner1"].id_number, "同意", "同意"]])
    upload = SimpleUploadedFile("ballots.xlsx", file.read())
    response = client_for(staff_user).post(url, {"file": upload})
    assert response.status_code == 302
    assert BallotSheet.objects.get().owner == register["owner1"]
