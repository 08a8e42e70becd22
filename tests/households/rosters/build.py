"""Roster files for the import tests, written on the fly: a good roster and one file per
kind of mistake."""

import csv
import datetime

from openpyxl import Workbook

from core.idnumbers import make_id_number
from households.imports.columns import COLUMNS

HEADERS = [c.header for c in COLUMNS]


def person(number, n, *, relationship="户主", sex="M", birth=datetime.date(1985, 6, 15), **extra):
    seq = n * 2 + (1 if sex == "M" else 0)
    row = {
        "户编号": number,
        "姓名": f"测试{n}",
        "公民身份号码": make_id_number("360735", birth, seq),
        "与户主关系": relationship,
        "性别": "男" if sex == "M" else "女",
        "出生日期": birth.isoformat(),
        "民族": "汉族",
        "文化程度": "初中",
        "在校状况": "非在校",
        "健康状况": "健康",
        "劳动技能": "普通劳动力",
        "培训意愿": "愿意参加培训",
        "残疾证号": "",
        "联系电话": f"138{n:08d}",
        "楼栋": "A",
        "单元": 1,
        "楼层": 3,
        "房号": f"{300 + n}",
        "原籍乡镇": "小松镇",
        "原籍村": "丹溪村",
        "安置方式": "集中安置",
        "搬迁入住日期": "2019-05-25",
        "脱贫户类型": "一般脱贫户",
        "致贫原因": "因病",
        "监测对象类别": "非监测户",
        "户籍状态": "已迁入社区",
        "住房面积": 75,
    }
    row.update(extra)
    return row


def good_rows():
    """Two households of two people each, in dwellings A-1-301 and A-1-302."""
    return [
        person("H001", 1),
        person("H001", 2, relationship="配偶", sex="F", **{"房号": "301"}),
        person("H002", 3, **{"房号": "302"}),
        person("H002", 4, relationship="子", **{"房号": "302"}),
    ]


def write_xlsx(path, rows, *, headers=HEADERS, title=None):
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h, "") for h in headers])
    wb.save(path)
    return path


def write_csv(path, rows, *, encoding="utf-8", headers=HEADERS):
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row.get(h, "") for h in headers])
    return path
