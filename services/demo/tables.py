"""Demo templates of the table builder (一表通) for ``seed_demo`` (``DEMO_ACCOUNT_SEEDERS``:
they belong to demo accounts): the medical-insurance bureau's enrolment check kept by the
community staff, and the human-resources bureau's monthly labour table kept by its own
user. Idempotent: nothing is added when a template of that name exists."""

from django.contrib.auth import get_user_model

from services.reports.builder.models import TableTemplate
from services.reports.builder.services import template_save

MEDICAL = "县医保局 2027年参保核对表"
LABOUR = "县人社局 劳动力就业情况月报"


def _columns(pairs):
    return [{"key": key, "header": header} for key, header in pairs]


TEMPLATES = [
    (
        "staff",
        MEDICAL,
        "县医保局每年要的参保核对表：每人一行，按楼栋排序，身份证号全文。",
        {
            "rows": "person",
            "as_of": "",
            "columns": _columns(
                [
                    ("derived.row_number", "序号"),
                    ("building.code", "楼栋"),
                    ("dwelling.room", "房号"),
                    ("household.number", "户编号"),
                    ("derived.head_name", "户主姓名"),
                    ("person.name", "姓名"),
                    ("person.sex", "性别"),
                    ("person.id_number", "公民身份号码"),
                    ("derived.age", "年龄"),
                    ("person.relationship", "与户主关系"),
                    ("person.phone", "联系电话"),
                    ("household.origin_town", "迁出乡镇"),
                    ("derived.insured_place", "本年度医保参保地"),
                    ("record.medicalinsurance.transfer_done", "转移接续是否办结"),
                    ("rule.medical-insurance-missing", "是否未参保"),
                    ("", "核对人签字"),
                ]
            ),
            "filters": {},
            "sort": [{"key": "building.code", "desc": False}],
        },
    ),
    (
        "renshe",
        LABOUR,
        "16–60 岁有劳动能力人员的培训与就业，县人社局每月一报。",
        {
            "rows": "person",
            "as_of": "",
            "columns": _columns(
                [
                    ("derived.row_number", "序号"),
                    ("building.code", "楼栋"),
                    ("dwelling.room", "房号"),
                    ("person.name", "姓名"),
                    ("person.id_number_masked", "身份证号"),
                    ("person.sex", "性别"),
                    ("derived.age", "年龄"),
                    ("person.labour_capacity", "劳动力状况"),
                    ("person.training_willingness", "培训意愿"),
                    ("record.training.course", "最近一次培训"),
                    ("record.training.started_on", "最近一次培训日期"),
                    ("derived.employed", "是否就业"),
                    ("record.employment.employer", "当前就业单位"),
                    ("record.employment.monthly_income", "月收入（元）"),
                    ("rule.zero-employment", "是否零就业家庭"),
                ]
            ),
            "filters": {"age_min": 16, "age_max": 60, "labour_capacity": ""},
            "sort": [],
        },
    ),
]


def seed_tables(*, stdout=None) -> int:
    User = get_user_model()
    made = 0
    for username, name, description, spec in TEMPLATES:
        owner = User.objects.filter(username=username).first()
        if owner is None or TableTemplate.objects.filter(name=name).exists():
            continue
        template_save(user=owner, spec=spec, name=name, description=description, shared=True)
        made += 1
    if stdout is not None and made:
        stdout.write(f"  {made} table-builder templates (一表通)")
    return made
