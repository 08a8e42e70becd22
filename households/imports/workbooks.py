"""The two workbooks of the import, written with openpyxl: the template to fill in and the
error workbook of a file that did not pass."""

from .columns import COLUMNS
from .validate import Check, expected_form

RED = "FFC7CE"
REQUIRED = "FCE4D6"
HEADER = "DDEBF7"
TEXT_COLUMNS = {"number", "id_number", "disability_certificate", "phone", "room", "building"}

EXAMPLE = {
    "number": "3607352019000001",
    "name": "张三",
    "id_number": "360735198506150011",
    "relationship": "户主",
    "sex": "男",
    "birth_date": "1985-06-15",
    "ethnicity": "汉族",
    "education": "初中",
    "school_status": "非在校",
    "health": "健康",
    "labour_capacity": "普通劳动力",
    "training_willingness": "愿意参加培训",
    "disability_certificate": "",
    "phone": "13800138000",
    "building": "A",
    "entrance": 1,
    "floor": 3,
    "room": "301",
    "origin_town": "小松镇",
    "origin_village": "丹溪村",
    "relocation_mode": "集中安置",
    "move_in_date": "2019-05-25",
    "poverty_status": "一般脱贫户",
    "main_cause": "因病",
    "monitoring_category": "非监测户",
    "hukou_status": "已迁入社区",
    "area": 75,
}


def write_template(path: str, *, rows: int = 2000) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    fill = {c: PatternFill("solid", start_color=c, end_color=c) for c in (REQUIRED, HEADER)}
    wb = Workbook()
    ws = wb.active
    ws.title = "户籍名单"
    lists = wb.create_sheet("选项")
    notes = wb.create_sheet("填写说明")
    for i, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = fill[REQUIRED] if column.required else fill[HEADER]
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(10, len(column.header) * 2 + 4)
        if column.key in TEXT_COLUMNS:
            for r in range(2, rows + 2):
                ws.cell(row=r, column=i).number_format = "@"
        if column.kind == "enum":
            lists.cell(row=1, column=i, value=column.header).font = Font(bold=True)
            for r, label in enumerate(column.choices, start=2):
                lists.cell(row=r, column=i, value=label)
            last = len(column.choices) + 1
            validation = DataValidation(
                type="list",
                formula1=f"'选项'!${letter}$2:${letter}${last}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.header,
                error="请从下拉列表中选择：" + "、".join(column.choices),
            )
            validation.add(f"{letter}2:{letter}{rows + 1}")
            ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    lists.sheet_state = "hidden"

    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 8
    notes.column_dimensions["C"].width = 90
    notes.append(["铜锣湾社区户籍名单导入模板"])
    notes["A1"].font = Font(bold=True, size=14)
    for line in (
        "1. 在“户籍名单”表中每人填一行，同户成员填写相同的户编号；每户有且只有一名“户主”。",
        "2. 户的信息（楼栋、单元、房号、原籍、安置方式、入住日期、脱贫户类型、致贫原因、监测类别）以户主所在行为准，其他成员行可不填。",
        "3. 身份证号、残疾证号、电话请按文本填写（本表已设为文本格式），不要写成科学计数法。",
        "4. 已登记的人员按身份证号、户按户编号匹配：空白单元格保留系统中的原值；同一文件重复导入不会产生任何变化。",
        "5. 导入前会逐行检查，有任何错误时不写入任何数据，并提供标出错误单元格的错误工作簿。",
        "6. 楼栋须已在系统中登记；房屋不存在时，可选择“创建缺少的房屋”并填写楼层和住房面积。",
    ):
        notes.append([line])
    notes.append([])
    notes.append(["列名", "必填", "填写要求"])
    for cell in notes[notes.max_row]:
        cell.font = Font(bold=True)
        cell.fill = fill[HEADER]
    for column in COLUMNS:
        allowed = ("可选值：" + "、".join(column.choices)) if column.kind == "enum" else ""
        variants = ("；也接受列名：" + "、".join(column.variants)) if column.variants else ""
        text = "；".join(t for t in (column.hint, allowed) if t) + variants
        notes.append([column.header, "是" if column.required else "", text])
        notes.cell(row=notes.max_row, column=3).alignment = Alignment(wrap_text=True)
    notes.append([])
    notes.append(["示例（请在“户籍名单”表中填写，不要填在这里）"])
    notes[notes.max_row][0].font = Font(bold=True)
    notes.append([c.header for c in COLUMNS])
    notes.append([EXAMPLE.get(c.key, "") for c in COLUMNS])
    wb.save(path)


def write_error_workbook(path: str, check: Check) -> None:
    """Every row of the file as it was written, in its order (rows without errors too, left
    unmarked), each offending cell red with its message as a comment; a first column with
    every message of the row in Chinese (each naming its field) and a second with the row's
    number in the file; then a sheet with the summary per column (how many rows, sample bad
    values, the expected form). Written with xlsxwriter in ``constant_memory`` mode, row by
    row: a file of 100,000 rows takes seconds and little memory."""
    import datetime

    import xlsxwriter

    table = check.table
    errors = check.error_rows()
    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    bold_red = wb.add_format({"bold": True, "bg_color": "#" + RED, "border": 1})
    red = wb.add_format({"bg_color": "#" + RED, "pattern": 1})
    red_date = wb.add_format({"bg_color": "#" + RED, "pattern": 1, "num_format": "yyyy-mm-dd"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top", "font_color": "#9C0006"})
    ws = wb.add_worksheet("检查结果")
    ws.freeze_panes(1, 2)
    ws.set_column(0, 0, 60)
    ws.set_column(1, 1, 8)
    ws.write_string(0, 0, "错误信息", bold_red)
    ws.write_string(0, 1, "原行号", bold_red)
    for i, text in enumerate(table.headers):
        ws.write_string(0, 2 + i, text, bold)
    width = len(table.headers)
    comment = {"author": "导入检查", "x_scale": 2, "y_scale": 1.5}
    for r, (number, cells) in enumerate(table.rows, start=1):
        messages = errors.get(number)
        bad: dict[int, list] = {}
        if messages:
            ws.write_string(r, 0, "\n".join(str(m) for m in messages), wrap)
            for message in messages:
                if message.column is not None:
                    bad.setdefault(message.column, []).append(message.text)
        ws.write_number(r, 1, number)
        for i in range(max(width, len(cells))):
            value = cells[i] if i < len(cells) else None
            col = 2 + i
            fmt = red if i in bad else None
            if value is None or value == "":
                if fmt is not None:
                    ws.write_blank(r, col, None, fmt)
            elif isinstance(value, bool):
                ws.write_boolean(r, col, value, fmt)
            elif isinstance(value, int | float):
                ws.write_number(r, col, value, fmt)
            elif isinstance(value, datetime.date | datetime.datetime):
                if not isinstance(value, datetime.datetime):
                    value = datetime.datetime(value.year, value.month, value.day)
                ws.write_datetime(r, col, value, red_date if fmt is not None else date)
            else:
                ws.write_string(r, col, str(value), fmt)
            if fmt is not None:
                ws.write_comment(r, col, "；".join(bad[i]), comment)
    summary = wb.add_worksheet("按列汇总")
    summary.set_column(0, 0, 16)
    summary.set_column(2, 3, 50)
    for c, text in enumerate(["列", "出错行数", "错误值示例", "应填写"]):
        summary.write_string(0, c, text, bold)
    for r, entry in enumerate(check.column_summary(), start=1):
        summary.write_string(r, 0, entry["header"])
        summary.write_number(r, 1, entry["rows"])
        summary.write_string(r, 2, "、".join(entry["samples"]))
        summary.write_string(r, 3, entry["expected"])
    wb.close()


__all__ = ["write_template", "write_error_workbook", "expected_form"]
