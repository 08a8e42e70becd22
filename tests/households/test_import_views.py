"""The staff pages of the roster import: who may use them, upload → check job → preview →
confirm → write job, the template, the list's queries."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from households.models import ImportBatch, Person
from tests.households.factories import DwellingFactory
from tests.households.rosters.build import good_rows, write_xlsx

URLS = ["/households/imports/", "/households/imports/template/"]


@pytest.fixture
def dwellings(building_a):
    return [DwellingFactory(building=building_a, entrance=1, room=r) for r in ("301", "302")]


def _upload(client, path, capture, **extra):
    with open(path, "rb") as fh:
        upload = SimpleUploadedFile(path.name, fh.read())
    with capture(execute=True):
        return client.post("/households/imports/", {"file": upload, **extra})


@pytest.mark.parametrize("persona", ["leader_a", "department_user", "supervisor_user", "outsider"])
def test_only_staff_and_administrators_may_import_others_get_404(
    persona, request, client_for, staff_user, tmp_path, dwellings
):
    batch = ImportBatch.objects.create(created_by=staff_user, file_name="r.xlsx", status="valid")
    client = client_for(request.getfixturevalue(persona))
    for url in URLS + [
        f"/households/imports/{batch.pk}/",
        f"/households/imports/{batch.pk}/status/",
    ]:
        assert client.get(url).status_code == 404, url
    path = write_xlsx(tmp_path / "r.xlsx", good_rows())
    with open(path, "rb") as fh:
        assert (
            client.post(URLS[0], {"file": SimpleUploadedFile("r.xlsx", fh.read())}).status_code
            == 404
        )
    assert client.post(f"/households/imports/{batch.pk}/confirm/").status_code == 404
    assert Person.objects.count() == 0 and ImportBatch.objects.count() == 1


def test_upload_check_preview_confirm_write(
    client_for, staff_user, tmp_path, dwellings, django_capture_on_commit_callbacks
):
    client = client_for(staff_user)
    response = _upload(
        client, write_xlsx(tmp_path / "名单.xlsx", good_rows()), django_capture_on_commit_callbacks
    )
    batch = ImportBatch.objects.get()
    assert response.url == f"/households/imports/{batch.pk}/"
    assert batch.status == "valid" and batch.counts["people_new"] == 4
    page = client.get(response.url).content.decode()
    assert 'id="import-confirm"' in page and "测试1 360735********" in page
    assert Person.objects.count() == 0  # nothing before the confirmation
    status = client.get(f"/households/imports/{batch.pk}/status/")
    assert status.headers["HX-Refresh"] == "true"  # the check has ended: reload the page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/households/imports/{batch.pk}/confirm/")
    batch.refresh_from_db()
    assert batch.status == "written" and Person.objects.count() == 4
    assert f"户籍名单导入 #{batch.pk}（名单.xlsx）" == Person.history.first().history_change_reason
    assert client.post(f"/households/imports/{batch.pk}/confirm/").status_code == 404  # once


def test_a_file_with_errors_offers_the_error_workbook_and_writes_nothing(
    client_for, admin_user, tmp_path, dwellings, django_capture_on_commit_callbacks
):
    rows = good_rows()
    rows[0]["联系电话"] = "123"
    client = client_for(admin_user)
    response = _upload(
        client, write_xlsx(tmp_path / "r.xlsx", rows), django_capture_on_commit_callbacks
    )
    batch = ImportBatch.objects.get()
    assert batch.status == "invalid"
    page = client.get(response.url).content.decode()
    assert "第 2 行「联系电话」：手机号应为 11 位数字，以 13–19 开头。" in page
    assert 'id="import-confirm"' not in page and 'id="import-errors-download"' in page
    download = client.get(f"/jobs/{batch.validate_job.pk}/download/")
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook["检查结果"]["A2"].value.startswith("第 2 行「联系电话」")
    assert client.post(f"/households/imports/{batch.pk}/confirm/").status_code == 404
    assert Person.objects.count() == 0


def test_an_unreadable_file_is_refused_with_its_reason(
    client_for, staff_user, tmp_path, db, django_capture_on_commit_callbacks
):
    path = tmp_path / "scan.csv"
    path.write_bytes(b"\x00\x00binary")
    client = client_for(staff_user)
    response = _upload(client, path, django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    assert batch.status == "unreadable"
    assert "该文件不是电子表格" in client.get(response.url).content.decode()


def test_the_template_has_the_headers_dropdowns_and_instructions(client_for, staff_user):
    response = client_for(staff_user).get("/households/imports/template/")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["户籍名单"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["户编号", "姓名", "公民身份号码", "与户主关系"] and "户籍状态" in headers
    lists = {
        str(dv.sqref).split(":")[0].rstrip("0123456789")
        for dv in sheet.data_validations.dataValidation
    }
    letters = {
        sheet.cell(row=1, column=i + 1).column_letter
        for i, h in enumerate(headers)
        if h
        in (
            "与户主关系",
            "性别",
            "文化程度",
            "在校状况",
            "健康状况",
            "劳动技能",
            "培训意愿",
            "安置方式",
            "脱贫户类型",
            "致贫原因",
            "监测对象类别",
            "户籍状态",
        )
    }
    assert lists == letters
    notes = [r[0] for r in workbook["填写说明"].iter_rows(values_only=True)]
    assert "户编号" in notes and any(str(n).startswith("示例") for n in notes if n)


def test_the_list_of_imports_runs_the_same_queries_for_one_batch_or_many(
    client_for, staff_user, django_assert_num_queries
):
    client = client_for(staff_user)
    ImportBatch.objects.create(created_by=staff_user, file_name="a.xlsx")
    client.get("/households/imports/")  # roles and permissions: read once, then kept
    # session, user, the batches' count, the header's
    # profile, the page of batches with their user, profile and jobs (the permissions come
    # from the cache)
    with django_assert_num_queries(5) as one:
        client.get("/households/imports/")
    for i in range(5):
        ImportBatch.objects.create(created_by=staff_user, file_name=f"{i}.xlsx")
    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/households/imports/")
