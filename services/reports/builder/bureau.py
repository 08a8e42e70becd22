"""A bureau's own blank form: its header row read from the uploaded workbook, and a column
proposed for each header by its label or a synonym (身份证号 → 公民身份号码, 联系方式 → 联系电话…).
A header nothing matches stays, with no field, for the user to map or leave blank: the
export keeps the bureau's headers in the bureau's order."""

import io
import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.uploads import check_file_type
from services.reports.builder.catalogue import HOUSEHOLD_ROWS

HEADER_SCAN_ROWS = 15
MAX_HEADERS = 120

# The words bureaus use for the catalogue's fields (normalised: no spaces, ASCII brackets).
SYNONYMS = {
    "序号": "derived.row_number",
    "编号": "derived.row_number",
    "身份证号": "person.id_number",
    "身份证号码": "person.id_number",
    "身份证": "person.id_number",
    "证件号码": "person.id_number",
    "公民身份证号": "person.id_number",
    "公民身份证号码": "person.id_number",
    "公民身份号码": "person.id_number",
    "联系方式": "person.phone",
    "联系电话": "person.phone",
    "电话": "person.phone",
    "电话号码": "person.phone",
    "手机": "person.phone",
    "手机号": "person.phone",
    "手机号码": "person.phone",
    "出生年月": "person.birth_date",
    "出生年月日": "person.birth_date",
    "年龄": "derived.age",
    "周岁": "derived.age",
    "学历": "person.education",
    "与户主关系": "person.relationship",
    "家庭关系": "person.relationship",
    "劳动能力": "person.labour_capacity",
    "劳动力状况": "person.labour_capacity",
    "残疾证号": "person.disability_certificate",
    "户号": "household.number",
    "户编号": "household.number",
    "户主": "derived.head_name",
    "户主姓名": "derived.head_name",
    "家庭人口": "derived.household_size",
    "家庭人口数": "derived.household_size",
    "家庭人数": "derived.household_size",
    "户人口数": "derived.household_size",
    "人口数": "derived.household_size",
    "劳动力人数": "derived.laborers",
    "劳动力数": "derived.laborers",
    "就业人数": "derived.employed_members",
    "务工人数": "derived.employed_members",
    "楼栋": "building.code",
    "楼栋号": "building.code",
    "楼号": "building.code",
    "单元号": "dwelling.entrance",
    "房间号": "dwelling.room",
    "门牌号": "dwelling.room",
    "住址": "derived.address",
    "现住址": "derived.address",
    "家庭住址": "derived.address",
    "安置地址": "derived.address",
    "安置房地址": "derived.address",
    "迁出地": "household.origin_town",
    "迁出乡镇": "household.origin_town",
    "原籍乡镇": "household.origin_town",
    "迁出村": "household.origin_village",
    "原籍村": "household.origin_village",
    "搬迁方式": "household.relocation_mode",
    "入住时间": "household.move_in_date",
    "入住日期": "household.move_in_date",
    "搬迁入住时间": "household.move_in_date",
    "户类型": "household.poverty_status",
    "脱贫户类型": "household.poverty_status",
    "监测对象类型": "household.monitoring_category",
    "监测类型": "household.monitoring_category",
    "本年度参保地": "derived.insured_place",
    "本年度医保参保地": "derived.insured_place",
    "参保地": "record.medicalinsurance.place",
    "参保地点": "record.medicalinsurance.place",
    "参保年度": "record.medicalinsurance.year",
    "就业单位": "record.employment.employer",
    "工作单位": "record.employment.employer",
    "务工单位": "record.employment.employer",
    "就业类型": "record.employment.kind",
    "月收入": "record.employment.monthly_income",
    "月工资": "record.employment.monthly_income",
    "培训项目": "record.training.course",
    "培训工种": "record.training.course",
    "培训时间": "record.training.started_on",
    "培训日期": "record.training.started_on",
    "低保类别": "record.dibao.kind",
    "救助类别": "record.allowance.kind",
    "低保金额": "record.dibao.monthly_amount",
    "保障金额": "record.allowance.monthly_amount",
    "人均纯收入": "record.householdincome.per_capita_net_income",
    "家庭人均纯收入": "record.householdincome.per_capita_net_income",
}
# A full ID number the user may not export becomes the masked field.
FALLBACK = {
    "person.id_number": "person.id_number_masked",
    "person.disability_certificate": "person.disability_certificate_masked",
}
_BRACKETS = str.maketrans({"（": "(", "）": ")", "：": ":", "　": " "})
_NOISE = re.compile(r"[\s*＊:]+")
_PAREN = re.compile(r"\([^)]*\)")


def normalise(header: str) -> str:
    text = str(header or "").translate(_BRACKETS)
    return _NOISE.sub("", text).lower()


def read_headers(uploaded) -> list[str]:
    """The header row of the bureau's form: among the first rows of its first sheet, the
    one with the most filled cells (a title row above it has one). ``ValidationError`` for
    a file that is not a readable .xlsx or has no header."""
    from openpyxl import load_workbook

    name = getattr(uploaded, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise ValidationError(_("Upload the form as an Excel workbook (.xlsx)."))
    if uploaded.size > settings.IMPORT_MAX_MB * 1024 * 1024:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": settings.IMPORT_MAX_MB}
        )
    check_file_type(uploaded, "xlsx")
    data = uploaded.read()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            unzipped = sum(info.file_size for info in package.infolist())
        if unzipped > settings.IMPORT_MAX_UNZIPPED_MB * 1024 * 1024:
            raise ValidationError(_("The workbook is too large once unpacked."))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise ValidationError(_("The workbook cannot be read.")) from None
    sheet = book.worksheets[0]
    best: list[str] = []
    for row in sheet.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True):
        cells = [str(v).strip() if v is not None else "" for v in row]
        while cells and not cells[-1]:
            cells.pop()
        if sum(1 for c in cells if c) > sum(1 for c in best if c):
            best = cells
    book.close()
    if sum(1 for c in best if c) < 2:
        raise ValidationError(_("No header row found: the first sheet needs a row of headers."))
    return [c for c in best[:MAX_HEADERS]]


def propose(headers: list[str], fields: dict, rows: str) -> list[dict]:
    """A column per header: {"key": proposed field or "", "header": the bureau's header}.
    Matched by the field's own label (on this kind of row), then by a synonym, then the
    same without a bracketed note ("出生日期(年月日)")."""
    by_label = {}
    for field in fields.values():
        if rows in field.rows:
            by_label.setdefault(normalise(field.label_for(rows)), field.key)
            if rows == HOUSEHOLD_ROWS:  # a household's form may name the head's field plainly
                by_label.setdefault(normalise(str(field.label)), field.key)

    def lookup(text):
        key = by_label.get(text) or SYNONYMS.get(text)
        if key and key not in fields:
            key = FALLBACK.get(key)
        if key and key in fields and rows in fields[key].rows:
            return key
        return ""

    out = []
    for header in headers:
        text = normalise(header)
        if not text:
            continue  # an empty cell between headers: nothing to fill
        key = lookup(text) or lookup(_PAREN.sub("", text))
        out.append({"key": key, "header": header.strip()})
    return out
