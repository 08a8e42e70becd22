"""The corpus of bad rosters: each entry breaks one rule of the import in the good roster of
``build.good_rows`` (rows 2–5 of the file: H001 on rows 2–3, H002 on rows 4–5) and names
the exact Chinese messages the check must give. ``everything`` breaks them all at once."""

from core.idnumbers import make_id_number


def _set(row_index, **cells):
    def apply(rows):
        rows[row_index].update(cells)

    return apply


def _id_tail(row_index, tail):
    def apply(rows):
        rows[row_index]["公民身份号码"] = rows[row_index]["公民身份号码"][:-1] + tail

    return apply


def _wrong_check(rows):
    number = rows[0]["公民身份号码"]
    rows[0]["公民身份号码"] = number[:-1] + ("0" if number[-1] != "0" else "1")


def _duplicate(rows):
    rows[3]["公民身份号码"] = rows[2]["公民身份号码"]
    rows[3]["出生日期"] = rows[2]["出生日期"]
    rows[3]["性别"] = rows[2]["性别"]


def _certificate_of_another(rows):
    rows[1]["健康状况"] = "残疾"
    rows[1]["残疾证号"] = rows[0]["公民身份号码"] + "41"


CORPUS = {
    "required_name": (_set(1, 姓名=""), ["第 3 行「姓名」：必填，单元格为空。"]),
    "required_labour": (_set(3, 劳动技能=""), ["第 5 行「劳动技能」：必填，单元格为空。"]),
    "id_checksum": (_wrong_check, ["第 2 行「公民身份号码」：身份证号校验码不正确，请逐位核对。"]),
    "id_15_digits": (
        _set(2, 公民身份号码="360735850615001"),
        ["第 4 行「公民身份号码」：不接受15位身份证号，请先换算为18位号码。"],
    ),
    "id_length": (
        _set(2, 公民身份号码="36073519850615"),
        ["第 4 行「公民身份号码」：身份证号应为18位，当前为14位。"],
    ),
    "birth_date_mismatch": (
        _set(0, 出生日期="1985-06-16"),
        ["第 2 行「出生日期」：与身份证号不符，身份证号中的出生日期为 1985-06-15。"],
    ),
    "sex_mismatch": (
        _set(0, 性别="女"),
        ["第 2 行「性别」：与身份证号不符，身份证号对应的性别为男。"],
    ),
    "date_not_a_date": (
        _set(0, 搬迁入住日期="去年五月"),
        [
            "第 2 行「搬迁入住日期」：不是日期。请写成 2019-05-25、2019/5/25、2019.5.25、"
            "2019年5月25日 或 20190525，或使用 Excel 日期格式。"
        ],
    ),
    "date_impossible": (
        _set(2, 搬迁入住日期="2019年2月30日"),
        ["第 4 行「搬迁入住日期」：日期 2019年2月30日 不存在。"],
    ),
    "enum_relationship": (
        _set(1, 与户主关系="表哥"),
        [
            "第 3 行「与户主关系」：“表哥”不是可选值。可选：户主、配偶、子/婿、女/媳、孙子女、"
            "父母、祖父母、兄弟姐妹、其他。"
        ],
    ),
    "enum_poverty_status": (
        _set(2, 脱贫户类型="富裕户"),
        ["第 4 行「脱贫户类型」：“富裕户”不是可选值。可选：一般脱贫户、低保户、特困供养户。"],
    ),
    "mobile": (
        _set(3, 联系电话="1380013800"),
        ["第 5 行「联系电话」：手机号应为 11 位数字，以 13–19 开头。"],
    ),
    "no_building": (
        lambda rows: [r.update(楼栋="Z") for r in rows[:2]],
        ["第 2 行「楼栋」：系统中没有楼栋 Z。"],
    ),
    "no_dwelling": (
        lambda rows: [r.update(房号="999") for r in rows[2:4]],
        ["第 4 行「房号」：楼栋 A 的 1 单元没有房号 999。请先登记该房屋，或选择“创建缺少的房屋”。"],
    ),
    "no_head": (
        _set(2, 与户主关系="兄弟姐妹"),
        ["第 4 行「与户主关系」：户 H002 没有户主：每户须有且只有一名成员为“户主”。"],
    ),
    "two_heads": (
        _set(3, 与户主关系="户主"),
        ["第 5 行「与户主关系」：户 H002 在第 4 行已有户主：每户只能有一名“户主”。"],
    ),
    "duplicate_id": (_duplicate, ["第 5 行「公民身份号码」：同一身份证号已出现在第 4 行。"]),
    "certificate_not_own": (
        _certificate_of_another,
        ["第 3 行「残疾证号」：残疾证号的前 18 位应为持证人本人的身份证号。"],
    ),
    "certificate_category": (
        lambda rows: rows[0].update(残疾证号=rows[0]["公民身份号码"] + "81"),
        ["第 2 行「残疾证号」：残疾类别（第 19 位）应为 1–7，此处为 8。"],
    ),
    "certificate_grade": (
        lambda rows: rows[0].update(残疾证号=rows[0]["公民身份号码"] + "45"),
        ["第 2 行「残疾证号」：残疾等级（第 20 位）应为 1–4，此处为 5。"],
    ),
    "household_facts_differ": (
        _set(1, 原籍乡镇="大由乡"),
        ["第 3 行「原籍乡镇」：与同户户主所在第 2 行（小松镇）不一致。"],
    ),
    "new_household_without_origin": (
        lambda rows: [r.update(原籍村="") for r in rows[2:4]],
        ["第 4 行「原籍村」：新户必填，单元格为空。"],
    ),
    "text_too_long": (_set(1, 民族="汉" * 21), ["第 3 行「民族」：最多 20 个字符，此处为 21 个。"]),
    "entrance_not_a_number": (_set(0, 单元="一单元"), ["第 2 行「单元」：应为整数。"]),
}


def everything(rows):
    """Every independent mistake of the corpus in one file (those that touch other rows'
    cells are left out: they would hide each other)."""
    keys = [
        "required_name",
        "id_checksum",
        "date_not_a_date",
        "enum_poverty_status",
        "mobile",
        "two_heads",
    ]
    for key in keys:
        CORPUS[key][0](rows)
    return [m for key in keys for m in CORPUS[key][1]]


__all__ = ["CORPUS", "everything", "make_id_number"]
