"""The table builder (一表通): the catalogue is built from the models; a table compiles into
one queryset whose query count does not grow with the rows; preview and export agree; a
forbidden field is refused even by an edited POST; a bureau's form headers map; a saved
template survives a model change and runs from the page, the job and the shell."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from buildings.models import Building, Dwelling
from core.models import AuditLog, Job
from households.models import Household, Person
from services.reports.builder import catalogue
from services.reports.builder.bureau import SYNONYMS, propose, read_headers
from services.reports.builder.models import TableTemplate
from services.reports.builder.query import compile_table
from services.reports.builder.selectors import fields_for_user
from services.reports.builder.services import table_report, template_save
from services.reports.builder.spec import TableError, clean_spec
from services.reports.services import report_export
from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory
from tests.services.record_factories import (
    AllowanceFactory,
    EmploymentFactory,
    MedicalInsuranceFactory,
    TrainingFactory,
    unit_user,
)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def people(building_a, building_b):
    """A1 (building A): a head insured and employed, a child; B1 (building B): a laborer
    with no job (zero employment)."""
    today = timezone.localdate()
    a1 = HouseholdFactory(
        number="A0001",
        dwelling=DwellingFactory(building=building_a, entrance=1, room="101"),
        phone="13807970009",
        move_in_date=datetime.date(2020, 5, 1),
    )
    head = PersonFactory(
        household=a1,
        relationship="01",
        name="温大明",
        id_number="360735198506150011",
        birth_date=datetime.date(1985, 6, 15),
        phone="13807970001",
        labour_capacity="ordinary",
    )
    child = PersonFactory(
        household=a1,
        relationship="20",
        name="温小明",
        birth_date=today.replace(year=today.year - 10, day=1),
        labour_capacity="none",
    )
    MedicalInsuranceFactory(person=head, year=today.year - 1, place="origin")
    MedicalInsuranceFactory(person=head, year=today.year, place="qinjiang")
    EmploymentFactory(
        person=head,
        employer="琴江工业园",
        started_on=datetime.date(2021, 3, 1),
        monthly_income=Decimal("2800.50"),
    )
    TrainingFactory(person=head, course="电工", started_on=datetime.date(2020, 9, 1), ended_on=None)
    b1 = HouseholdFactory(
        number="B0001",
        dwelling=DwellingFactory(building=building_b, room="202"),
        move_in_date=datetime.date(2022, 1, 10),
    )
    b1_head = PersonFactory(
        household=b1,
        relationship="01",
        name="刘大山",
        birth_date=datetime.date(1980, 1, 1),
        labour_capacity="ordinary",
    )
    return {"a1": a1, "head": head, "child": child, "b1": b1, "b1_head": b1_head}


def spec(columns, rows="person", **extra):
    return {
        "rows": rows,
        "as_of": extra.pop("as_of", ""),
        "columns": [{"key": k, "header": h} for k, h in columns],
        "filters": extra.pop("filters", {}),
        "sort": extra.pop("sort", []),
    }


MEDICAL = [
    ("derived.row_number", "序号"),
    ("person.name", "姓名"),
    ("person.id_number", "身份证号"),
    ("person.phone", "联系方式"),
    ("derived.age", "年龄"),
    ("record.medicalinsurance.place", "本年度医保参保地"),
    ("record.employment.employer", "当前就业单位"),
    ("record.employment.monthly_income", "月收入"),
    ("rule.zero-employment", "零就业家庭"),
    ("derived.household_size", "家庭人口"),
    ("derived.laborers", "劳动力人数"),
    ("derived.employed_members", "就业人数"),
    ("", "签字"),
]


def rows_of(compiled, at=1):
    return {row[at]: row for row in compiled.rows()}


# --- the catalogue ------------------------------------------------------------------------


def test_every_concrete_field_of_the_registry_is_in_the_catalogue():
    keys = {f.key for f in catalogue.all_fields()}
    for model in (Building, Dwelling, Household, Person):
        for field in model._meta.concrete_fields:
            assert f"{model._meta.model_name}.{field.name}" in keys, field.name


def test_catalogue_fields_have_chinese_labels_types_units_and_the_personal_flag():
    fields = catalogue.fields_by_key()
    name = fields["person.name"]
    assert (name.label_for("person"), name.type, name.units, name.personal) == (
        "姓名",
        "text",
        ("registry",),
        False,
    )
    assert name.label_for("household") == "户主姓名"
    assert fields["person.id_number"].personal and fields["person.id_number"].full_id
    assert fields["person.phone"].personal and fields["person.health"].personal
    assert fields["record.employment.monthly_income"].personal
    assert fields["record.employment.monthly_income"].type == "money"
    assert fields["person.birth_date"].type == "date"
    assert fields["record.training.started_on"].units == ("human-resources", "vocational-school")
    assert "person" not in fields["record.medicalinsurance.place"].label_for("person")
    # a yes/no column per person or household rule, none for an inspection rule
    assert "rule.zero-employment" in fields and "rule.fire-rectification-overdue" not in fields
    assert fields["rule.training-due"].label_for("person").startswith("是否")
    assert {"derived.age", "derived.household_size", "derived.laborers"} <= set(fields)


def test_every_synonym_names_a_catalogue_field():
    keys = {f.key for f in catalogue.all_fields()}
    assert set(SYNONYMS.values()) <= keys


def test_a_department_user_has_only_what_its_unit_reads(
    staff_user, department_user, supervisor_user, db
):
    staff = fields_for_user(staff_user)
    renshe = fields_for_user(department_user)
    fupin = fields_for_user(supervisor_user)
    assert "person.id_number" in staff and "person.id_number_masked" in staff
    assert "person.id_number" not in renshe and "person.id_number_masked" in renshe
    assert "record.training.course" in renshe
    assert "record.medicalinsurance.place" not in renshe  # the medical-insurance bureau's
    assert "rule.medical-insurance-missing" not in renshe and "rule.zero-employment" in renshe
    assert not any(k.startswith("monitoring.") for k in renshe)
    assert any(k.startswith("monitoring.") for k in fupin)  # the county's poverty office
    assert "person.id_number" not in fupin  # a supervisor exports masked IDs
    department_user.user_permissions.add(Permission.objects.get(codename="export_full_id_number"))
    department_user = type(department_user).objects.get(pk=department_user.pk)
    assert "person.id_number" in fields_for_user(department_user)


def test_a_unit_reading_some_allowances_gets_no_dibao_columns(db):
    """The women's federation reads women's assistance only: it has the allowance columns
    (limited to its sub-kind) but no 低保 columns, which could only ever be empty for it, nor
    the 低保 filter; a township, which records 低保, has both."""
    women = fields_for_user(unit_user("womens-federation"))
    assert "record.allowance.kind" in women and "record.dibao.kind" not in women
    township = fields_for_user(unit_user("townships"))
    assert "record.dibao.kind" in township and "record.dibao.monthly_amount" in township
    from services.reports.builder.spec import FilterForm

    choices = dict(
        FilterForm(user=unit_user("womens-federation", "women2")).fields["has_record"].choices
    )
    assert "allowance" in choices and "dibao" not in choices


# --- compiling, preview and export ------------------------------------------------------------


def test_a_table_compiles_to_the_values_of_each_column(people, staff_user):
    table = compile_table(clean_spec(spec(MEDICAL), staff_user), staff_user, full_ids=True)
    assert table.headers == [h for _k, h in MEDICAL]
    rows = rows_of(table)
    head = rows["温大明"]
    today = timezone.localdate()
    assert head[2:] == [
        "360735198506150011",
        "13807970001",
        people["head"].age_on(today),
        "琴江（现居地）",  # the latest year's enrolment
        "琴江工业园",
        Decimal("2800.50"),
        "否",
        2,
        1,
        1,
        None,
    ]
    assert rows["刘大山"][8:12] == ["是", 1, 1, 0]
    this_year = compile_table(
        clean_spec(
            spec([("person.name", "姓名"), ("derived.insured_place", "本年度参保地")]), staff_user
        ),
        staff_user,
        full_ids=True,
    )
    assert rows_of(this_year, 0)["温大明"][1] == "琴江（现居地）"
    last_year = clean_spec(
        spec([("person.name", "姓名"), ("derived.insured_place", "参保地")]), staff_user
    )
    last_year["as_of"] = today.replace(year=today.year - 1, month=6, day=1).isoformat()
    assert (
        rows_of(compile_table(last_year, staff_user, full_ids=True), 0)["温大明"][1] == "原籍乡镇"
    )
    assert rows["温小明"][5] is None and rows["温小明"][2] == people["child"].id_number
    assert [r[0] for r in table.rows()] == [1, 2, 3]  # the row number


def test_one_column_a_blank_column_and_the_row_number_compile(people, staff_user):
    def cells(columns):
        clean = clean_spec(spec(columns), staff_user)
        clean["columns"] = [
            c if c["header"] != "备注" else {**c, "key": ""} for c in clean["columns"]
        ]
        return list(compile_table(clean, staff_user, full_ids=True).rows())

    names = sorted(r[0] for r in cells([("person.name", "姓名")]))
    assert names == sorted(p.name for k, p in people.items() if k in ("head", "child", "b1_head"))
    mixed = cells([("derived.row_number", "序号"), ("person.name", "备注"), ("person.sex", "性别")])
    assert [r[0] for r in mixed] == list(range(1, len(names) + 1))
    assert {r[1] for r in mixed} == {None} and {r[2] for r in mixed} <= {"男", "女"}


def test_the_latest_dibao_is_its_own_column_whatever_assistance_came_after(people, staff_user):
    """低保类别及金额: the latest minimum living allowance (rural or urban), not the latest
    allowance of any kind, which may be a disability allowance started later."""
    a1 = people["a1"]
    AllowanceFactory(
        household=a1, kind="dibao_rural", started_on=datetime.date(2021, 1, 1),
        monthly_amount=Decimal("300.00"),
    )  # fmt: skip
    AllowanceFactory(
        household=a1, kind="dibao_urban", started_on=datetime.date(2023, 1, 1),
        monthly_amount=Decimal("520.00"),
    )  # fmt: skip
    AllowanceFactory(
        household=a1, kind="disability", started_on=datetime.date(2024, 1, 1),
        monthly_amount=Decimal("90.00"), person=people["head"],
    )  # fmt: skip
    columns = [
        ("household.number", "户编号"),
        ("record.dibao.kind", "低保类别"),
        ("record.dibao.monthly_amount", "低保金额"),
        ("record.allowance.kind", "最近救助类别"),
    ]
    table = compile_table(clean_spec(spec(columns, rows="household"), staff_user), staff_user,
                          full_ids=False)  # fmt: skip
    rows = rows_of(table, 0)
    assert rows["A0001"][1:] == ["城市低保", Decimal("520.00"), "残疾人救助"]
    assert rows["B0001"][1:] == [None, None, None]
    assert str(catalogue.fields_by_key()["record.dibao.monthly_amount"].label).startswith("低保")
    fields = fields_for_user(staff_user)
    proposed = propose(["低保类别", "低保金额"], fields, "household")
    assert [c["key"] for c in proposed] == ["record.dibao.kind", "record.dibao.monthly_amount"]


def test_masked_ids_unless_permitted_and_the_export_masks_when_asked(people, staff_user):
    table = compile_table(
        clean_spec(spec([("person.name", "姓名"), ("person.id_number", "身份证号")]), staff_user),
        staff_user,
        full_ids=False,
    )
    assert rows_of(table, 0)["温大明"][1] == "360735********0011"
    masked = compile_table(
        clean_spec(
            spec([("person.name", "姓名"), ("person.id_number_masked", "身份证")]), staff_user
        ),
        staff_user,
        full_ids=True,
    )
    assert rows_of(masked, 0)["温大明"][1] == "360735********0011"


def test_a_row_per_household_reads_the_head_and_household_facts(people, staff_user):
    columns = [
        ("household.number", "户编号"),
        ("person.name", "户主姓名"),
        ("derived.head_name", "户主"),
        ("derived.address", "住址"),
        ("derived.household_size", "人口"),
        ("rule.zero-employment", "零就业"),
        ("derived.employed", "有人就业"),
    ]
    table = compile_table(
        clean_spec(spec(columns, rows="household"), staff_user), staff_user, full_ids=True
    )
    rows = {r[0]: r for r in table.rows()}
    assert rows["A0001"] == ["A0001", "温大明", "温大明", "A栋1单元101室", 2, "否", "是"]
    assert rows["B0001"][4:] == [1, "是", "否"]


def test_a_row_per_household_reads_the_heads_latest_person_records(people, staff_user):
    """A person's record on a row per household is the head's, as the person fields are
    (户主医保参保地, 户主就业单位…); a child's records never stand in for the head's."""
    TrainingFactory(
        person=people["child"],
        course="少儿编程",
        started_on=datetime.date(2025, 7, 1),
        ended_on=None,
    )
    columns = [
        ("household.number", "户编号"),
        ("record.training.course", "户主培训项目"),
        ("record.medicalinsurance.place", "户主参保地"),
        ("record.employment.employer", "户主就业单位"),
    ]
    table = compile_table(
        clean_spec(spec(columns, rows="household"), staff_user), staff_user, full_ids=True
    )
    rows = {r[0]: r for r in table.rows()}
    assert rows["A0001"] == ["A0001", "电工", "琴江（现居地）", "琴江工业园"]
    assert rows["B0001"] == ["B0001", None, None, None]
    field = catalogue.fields_by_key()["record.training.course"]
    assert field.label_for("household").startswith("户主")
    assert not field.label_for("person").startswith("户主")


def test_filters_narrow_the_rows(people, staff_user):
    def names(**filters):
        table = compile_table(
            clean_spec(spec([("person.name", "姓名")], filters=filters), staff_user),
            staff_user,
            full_ids=True,
        )
        return sorted(r[0] for r in table.rows())

    assert names(building="B") == ["刘大山"]
    assert names(age_min=16) == ["刘大山", "温大明"]
    assert names(age_max=15) == ["温小明"]
    assert names(labour_capacity="none") == ["温小明"]
    assert names(failing_rule="zero-employment") == ["刘大山"]
    assert names(has_record="employment") == ["温大明"]
    assert names(moved_in_from="2021-01-01", moved_in_until="2022-12-31") == ["刘大山"]
    assert names(monitoring_category="none") == ["刘大山", "温大明", "温小明"]
    households = compile_table(
        clean_spec(
            spec([("household.number", "户")], rows="household", filters={"age_max": 15}),
            staff_user,
        ),
        staff_user,
        full_ids=True,
    )
    assert [r[0] for r in households.rows()] == ["A0001"]  # a household with a child


def test_sort_by_a_column(people, staff_user):
    table = compile_table(
        clean_spec(
            spec([("person.name", "姓名")], sort=[{"key": "person.birth_date", "desc": True}]),
            staff_user,
        ),
        staff_user,
        full_ids=True,
    )
    assert [r[0] for r in table.rows()] == ["温小明", "温大明", "刘大山"]


def test_the_query_count_does_not_grow_with_rows(people, staff_user, tmp_path):
    template = template_save(user=staff_user, spec=spec(MEDICAL), name="核对表", shared=True)

    def queries():
        report = table_report(user=staff_user, spec=template.spec, template=template)
        with CaptureQueriesContext(connection) as ctx:
            report_export(report=report, user=staff_user, params={}, path=str(tmp_path / "t.xlsx"))
        return len(ctx.captured_queries)

    queries()
    before = queries()
    for i in range(40):
        person = PersonFactory(household=people["b1"], name=f"成员{i}")
        MedicalInsuranceFactory(person=person, year=timezone.localdate().year)
        EmploymentFactory(person=person, employer=f"单位{i}")
    assert queries() == before


def test_preview_and_export_agree(people, staff_user, client_for, tmp_path):
    columns = MEDICAL[:8]
    client = client_for(staff_user)
    data = {
        "rows": "person",
        "col": [k for k, _h in columns],
        "header": [h for _k, h in columns],
        "sort": "person.name",
    }
    page = client.post(reverse("reports:builder_preview"), data).content.decode()
    assert "3 行" in page or "共 3" in page or ">3<" in page or "3" in page
    template = template_save(
        user=staff_user,
        spec={**spec(columns), "sort": [{"key": "person.name", "desc": False}]},
        name="核对表",
        shared=True,
    )
    report = table_report(user=staff_user, spec=template.spec, template=template)
    path = tmp_path / "t.xlsx"
    report_export(report=report, user=staff_user, params={}, path=str(path))
    ws = openpyxl.load_workbook(path).worksheets[0]
    header_row = int(ws.freeze_panes[1:]) - 1
    exported = [[c.value for c in row] for row in ws.iter_rows(min_row=header_row)]
    assert exported[0] == [h for _k, h in columns]
    table = compile_table(clean_spec(template.spec, staff_user), staff_user, full_ids=True)
    previewed = table.first(20)
    assert len(exported) - 1 == len(previewed) == table.count() == 3

    def same(value):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, Decimal):
            return float(value)
        return None if value == "" else value

    assert [[same(v) for v in row] for row in exported[1:]] == [
        [same(v) for v in row] for row in previewed
    ]
    for row in previewed:
        for value in row[1:4]:
            assert str(value) in page


def test_the_page_preview_and_export_from_the_page(
    people, staff_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(staff_user)
    page = client.get(reverse("reports:builder")).content.decode()
    assert 'id="builder-form"' in page and 'id="field-search"' in page
    assert "hx-post" in page and "table_builder.js" in page
    data = {"rows": "person", "col": ["person.name", ""], "header": ["姓名", "签字"]}
    preview = client.post(reverse("reports:builder_preview"), data).content.decode()
    assert "温大明" in preview and "签字" in preview
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:builder_export"), {**data, "format": "csv"})
    job = Job.objects.get()
    assert response.url == reverse("core:job_detail", args=[job.pk])
    assert (job.status, job.done_rows) == ("done", 3), job.message
    content = b"".join(client.get(reverse("core:job_download", args=[job.pk])).streaming_content)
    assert content.decode("utf-8-sig").splitlines()[0] == "姓名,签字"
    entry = AuditLog.objects.get(action="export")
    assert entry.target == "table" and entry.detail["columns"] == [
        ["person.name", "姓名"],
        ["", "签字"],
    ]
    assert entry.detail["rows"] == 3 and entry.detail["format"] == "csv"


def test_a_bad_column_is_refused_naming_it(people, staff_user):
    with pytest.raises(TableError, match="第 2 列|2"):
        clean_spec(spec([("person.name", "姓名"), ("person.shoe_size", "鞋码")]), staff_user)
    with pytest.raises(TableError):
        clean_spec(spec([("", "")]), staff_user)
    with pytest.raises(TableError):
        clean_spec(spec([("person.name", "姓名")], filters={"age_min": "x"}), staff_user)


# --- forbidden fields ---------------------------------------------------------------------------


def test_a_department_user_cannot_get_a_forbidden_field_even_by_editing_the_post(
    people, department_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(department_user)
    page = client.get(reverse("reports:builder")).content.decode()
    assert 'data-key="person.id_number"' not in page
    assert 'data-key="person.id_number_masked"' in page
    for forbidden in ("person.id_number", "record.medicalinsurance.place", "monitoring.status"):
        data = {"rows": "person", "col": ["person.name", forbidden], "header": ["姓名", "X"]}
        preview = client.post(reverse("reports:builder_preview"), data).content.decode()
        assert "preview-error" in preview and forbidden in preview
        assert "360735198506150011" not in preview
        response = client.post(reverse("reports:builder_export"), data)
        assert response.status_code == 400
        response = client.post(reverse("reports:builder_save"), {**data, "name": "偷看"})
        assert response.status_code == 400
        data["sort"] = forbidden
        data["col"] = ["person.name"]
        data["header"] = ["姓名"]
        assert (
            "preview-error"
            in client.post(reverse("reports:builder_preview"), data).content.decode()
        )
    assert not Job.objects.exists() and not TableTemplate.objects.exists()
    # a job whose params were edited is refused when it runs
    from core.jobs import job_start

    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="report",
            user=department_user,
            params={"code": "table", "spec": spec([("person.id_number", "身份证号")])},
        )
    job.refresh_from_db()
    assert job.status == "failed" and "person.id_number" in job.message
    assert not AuditLog.objects.filter(action="export").exists()


def test_a_shared_template_with_a_field_the_runner_may_not_pick_is_refused(
    people, staff_user, department_user, tmp_path
):
    from core.jobs import JobError

    template = template_save(
        user=department_user, spec=spec([("person.name", "姓名")]), name="人社表", shared=True
    )
    template.spec["columns"].append({"key": "person.id_number", "header": "身份证号"})
    template.save()
    with pytest.raises(JobError, match="person.id_number"):
        table_report(user=department_user, spec=template.spec, template=template)


def test_leaders_and_outsiders_have_no_builder(leader_a, outsider, client_for, db):
    for user in (leader_a, outsider):
        client = client_for(user)
        assert client.get(reverse("reports:builder")).status_code == 404
        data = {"col": ["person.name"], "header": ["姓名"]}
        assert client.post(reverse("reports:builder_preview"), data).status_code == 404


# --- the bureau's own form ----------------------------------------------------------------------


def bureau_form(headers):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["县医保局 2027年城乡居民医保参保核对表"])
    ws.append(["填报单位：", None, "填报日期："])
    ws.append(headers)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(
        "核对表.xlsx",
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


BUREAU_HEADERS = [
    "序号",
    "姓名",
    "性别",
    "身份证号",
    "联系方式",
    "出生日期(年月日)",
    "家庭住址",
    "与户主关系",
    "参保地",
    "是否参保",
    "本人签字",
]


def test_a_bureaus_form_headers_map_to_fields(staff_user, department_user, db):
    headers = read_headers(bureau_form(BUREAU_HEADERS))
    assert headers == BUREAU_HEADERS
    proposed = propose(headers, fields_for_user(staff_user), "person")
    assert [c["header"] for c in proposed] == BUREAU_HEADERS
    assert [c["key"] for c in proposed] == [
        "derived.row_number",
        "person.name",
        "person.sex",
        "person.id_number",
        "person.phone",
        "person.birth_date",
        "derived.address",
        "person.relationship",
        "record.medicalinsurance.place",
        "",
        "",
    ]
    # without the permission the ID number is the masked field; medical records are not hers
    renshe = {
        c["header"]: c["key"] for c in propose(headers, fields_for_user(department_user), "person")
    }
    assert renshe["身份证号"] == "person.id_number_masked" and renshe["参保地"] == ""
    # one row per household: the head's fields
    households = {
        c["header"]: c["key"]
        for c in propose(["户主姓名", "家庭人口"], fields_for_user(staff_user), "household")
    }
    assert households == {"户主姓名": "person.name", "家庭人口": "derived.household_size"}


def test_upload_map_and_export_in_the_bureaus_order(
    people, staff_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(staff_user)
    page = client.post(
        reverse("reports:builder_form"), {"rows": "person", "form": bureau_form(BUREAU_HEADERS)}
    ).content.decode()
    assert "9" in page and "是否参保" in page and "builder-unmatched" in page
    assert page.count('class="builder-column builder-unmatched"') == 2
    # the user maps 是否参保 to the rule and leaves 本人签字 blank
    keys = [
        "derived.row_number",
        "person.name",
        "person.sex",
        "person.id_number",
        "person.phone",
        "person.birth_date",
        "derived.address",
        "person.relationship",
        "record.medicalinsurance.place",
        "rule.medical-insurance-missing",
        "",
    ]
    data = {"rows": "person", "col": keys, "header": BUREAU_HEADERS, "format": "xlsx"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:builder_export"), data)
    job = Job.objects.get()
    assert job.status == "done", job.message
    book = openpyxl.load_workbook(
        io.BytesIO(
            b"".join(client.get(reverse("core:job_download", args=[job.pk])).streaming_content)
        )
    )
    ws = book.worksheets[0]
    header_row = int(ws.freeze_panes[1:]) - 1
    cells = [[c.value for c in row] for row in ws.iter_rows(min_row=header_row)]
    assert cells[0] == BUREAU_HEADERS
    head = next(r for r in cells[1:] if r[1] == "温大明")
    assert head[3] == "360735198506150011" and head[6] == "A栋1单元101室" and head[10] is None


def test_a_file_that_is_not_a_workbook_is_refused(staff_user, client_for, db):
    bad = SimpleUploadedFile("form.xlsx", b"not a workbook")
    response = client_for(staff_user).post(reverse("reports:builder_form"), {"form": bad})
    assert response.status_code == 400 and "builder-error" in response.content.decode()


# --- saved templates ----------------------------------------------------------------------------


def test_a_template_survives_a_model_change_that_renames_nothing(people, staff_user, monkeypatch):
    template = template_save(user=staff_user, spec=spec(MEDICAL), name="核对表", shared=True)
    before = compile_table(clean_spec(template.spec, staff_user), staff_user, full_ids=True)
    before_rows = list(before.rows())
    # a new field on the person model: listed first, every position moves
    from django.db import models

    extra = models.CharField("鞋码", max_length=5, blank=True)
    extra.set_attributes_from_name("shoe_size")
    extra.model = Person
    real = catalogue.registry_fields

    def with_a_new_field():
        fields = real()
        new = catalogue.Field(
            key="person.shoe_size",
            label=extra.verbose_name,
            type="text",
            group="person",
            group_label="人员",
            units=("registry",),
            personal=False,
            rows=catalogue.ROW_KINDS,
            expression=lambda ctx: models.Value("42"),
        )
        return [new, *fields]

    monkeypatch.setattr(catalogue, "registry_fields", with_a_new_field)
    catalogue.all_fields.cache_clear()
    try:
        assert catalogue.all_fields()[0].key == "person.shoe_size"
        template.refresh_from_db()
        after = compile_table(clean_spec(template.spec, staff_user), staff_user, full_ids=True)
        assert after.headers == before.headers and list(after.rows()) == before_rows
    finally:
        catalogue.all_fields.cache_clear()


def test_save_share_rerun_and_delete_a_template(
    people, staff_user, department_user, admin_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(staff_user)
    data = {
        "rows": "person",
        "col": ["person.name", "record.medicalinsurance.place"],
        "header": ["姓名", "参保地"],
        "name": "县医保局 2027年参保核对表",
        "shared": "1",
    }
    response = client.post(reverse("reports:builder_save"), data)
    template = TableTemplate.objects.get()
    assert response.url == reverse("reports:builder_template", args=[template.pk])
    assert template.spec["columns"][1] == {
        "key": "record.medicalinsurance.place",
        "header": "参保地",
    }
    page = client.get(response.url).content.decode()
    assert "县医保局 2027年参保核对表" in page and 'value="参保地"' in page
    # one click next month
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:builder_template_export", args=[template.pk]))
    job = Job.objects.get()
    assert job.params["code"] == f"table:{template.pk}" and job.status == "done", job.message
    assert AuditLog.objects.get(action="export").detail["template"] == template.pk
    # shared with the staff, not with another unit's user
    other = client_for(department_user)
    assert other.get(reverse("reports:builder_template", args=[template.pk])).status_code == 404
    assert (
        other.post(reverse("reports:builder_template_export", args=[template.pk])).status_code
        == 404
    )
    client = client_for(staff_user)
    assert (
        client.post(reverse("reports:builder_template_delete", args=[template.pk])).status_code
        == 302
    )
    assert not TableTemplate.objects.exists()


def test_export_report_runs_a_template_from_the_shell(
    people, staff_user, department_user, tmp_path
):
    template = template_save(user=staff_user, spec=spec(MEDICAL[:4]), name="核对表", shared=True)
    out = io.StringIO()
    path = tmp_path / "t.xlsx"
    call_command("export_report", template.code, "-o", str(path), "--user", "staff", stdout=out)
    assert "3 行" in out.getvalue()
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws["A1"].value == "核对表"
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_report", template.code, "-o", str(path), "--user", "renshe")
    with pytest.raises(CommandError):
        call_command("export_report", "table:999999", "-o", str(path), "--user", "staff")


def test_the_demo_templates_are_seeded_once_and_run(people, staff_user, department_user, tmp_path):
    from services.demo.tables import LABOUR, MEDICAL, seed_tables

    assert seed_tables() == 2 and seed_tables() == 0
    medical = TableTemplate.objects.get(name=MEDICAL)
    assert medical.owner == staff_user and medical.shared and medical.unit is None
    labour = TableTemplate.objects.get(name=LABOUR)
    assert labour.unit.code == "human-resources"
    for template, user in ((medical, staff_user), (labour, department_user)):
        report = table_report(user=user, spec=template.spec, template=template)
        rows = report_export(report=report, user=user, params={}, path=str(tmp_path / "d.xlsx"))
        assert rows == (3 if template == medical else 2)


def _page_columns(page: str) -> list[tuple[str, str]]:
    """(key, header) of each column row the builder page shows, in order."""
    body = page.split('id="columns"', 1)[1].split("</tbody>", 1)[0]
    keys = re.findall(r'name="col" value="([^"]*)"', body)
    headers = re.findall(r'name="header"[^>]*value="([^"]*)"', body)
    return list(zip(keys, headers, strict=True))


def test_columns_are_added_moved_and_removed_without_the_script(
    people, staff_user, leader_a, client_for
):
    from services.reports.builder.selectors import fields_for_user

    client = client_for(staff_user)
    url = reverse("reports:builder_edit")
    data = {"rows": "person", "col": ["person.name", "person.sex"], "header": ["姓名", "性别"]}
    age = fields_for_user(staff_user)["derived.age"].label_for("person")

    page = client.post(url, {**data, "add": "derived.age"}).content.decode()
    assert _page_columns(page) == [
        ("person.name", "姓名"),
        ("person.sex", "性别"),
        ("derived.age", age),
    ]
    assert 'name="up" value="2"' in page and 'name="remove" value="0"' in page

    def edit(**action):
        return _page_columns(client.post(url, {**data, **action}).content.decode())

    assert edit(up="1") == [("person.sex", "性别"), ("person.name", "姓名")]
    assert edit(down="0") == [("person.sex", "性别"), ("person.name", "姓名")]
    assert edit(remove="0") == [("person.sex", "性别")]
    # nothing to move past the ends, and an index that is no column changes nothing
    assert (
        edit(up="0")
        == edit(down="1")
        == edit(remove="7")
        == edit(up="x")
        == [
            ("person.name", "姓名"),
            ("person.sex", "性别"),
        ]
    )
    # a key outside the catalogue is shown as not available, and the export refuses it
    page = client.post(url, {**data, "add": "person.password"}).content.decode()
    assert "person.password" in page and "text-danger" in page
    refused = client.post(
        reverse("reports:builder_export"),
        {"rows": "person", "col": ["person.password"], "header": [""]},
    )
    assert refused.status_code == 400
    assert client_for(leader_a).post(url, {**data, "add": "derived.age"}).status_code == 404
