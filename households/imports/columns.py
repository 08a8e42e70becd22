"""The roster's columns, described once: the template, the reader, the validation, the
preview and the error workbook all use this table.

Headers and enumeration labels are the Chinese words of the national poverty-alleviation
system's exports (the file is Chinese whatever the user's language), with the variants and
synonyms found in real rosters.
"""

from dataclasses import dataclass, field

from households.models import (
    Education,
    Health,
    HukouStatus,
    LabourCapacity,
    MonitoringCategory,
    PovertyCause,
    PovertyStatus,
    Relationship,
    RelocationMode,
    SchoolStatus,
    Sex,
    TrainingWillingness,
)


@dataclass(frozen=True)
class Column:
    key: str  # the model field (or the dwelling part) it fills
    header: str  # the template's header
    variants: tuple = ()  # other headers that mean the same column
    level: str = "person"  # "person", "household" or "dwelling"
    required: bool = False
    kind: str = "text"  # text, id, date, mobile, enum, int, decimal, certificate
    choices: dict = field(default_factory=dict)  # enum: {Chinese label: value}
    synonyms: dict = field(default_factory=dict)  # enum: {other word: value}
    max_length: int | None = None
    hint: str = ""  # the expected format, for the instructions and the summary


def _labels(pairs):
    return dict(pairs)


RELATIONSHIP = _labels(
    [
        ("户主", Relationship.HEAD),
        ("配偶", Relationship.SPOUSE),
        ("子/婿", Relationship.SON),
        ("女/媳", Relationship.DAUGHTER),
        ("孙子女", Relationship.GRANDCHILD),
        ("父母", Relationship.PARENT),
        ("祖父母", Relationship.GRANDPARENT),
        ("兄弟姐妹", Relationship.SIBLING),
        ("其他", Relationship.OTHER),
    ]
)
RELATIONSHIP_SYNONYMS = {
    "本人": Relationship.HEAD,
    "本人(户主)": Relationship.HEAD,
    "本人（户主）": Relationship.HEAD,
    "户主本人": Relationship.HEAD,
    "01": Relationship.HEAD,
    "妻": Relationship.SPOUSE,
    "妻子": Relationship.SPOUSE,
    "夫": Relationship.SPOUSE,
    "丈夫": Relationship.SPOUSE,
    "10": Relationship.SPOUSE,
    "子": Relationship.SON,
    "儿子": Relationship.SON,
    "长子": Relationship.SON,
    "次子": Relationship.SON,
    "婿": Relationship.SON,
    "女婿": Relationship.SON,
    "20": Relationship.SON,
    "女": Relationship.DAUGHTER,
    "女儿": Relationship.DAUGHTER,
    "长女": Relationship.DAUGHTER,
    "次女": Relationship.DAUGHTER,
    "媳": Relationship.DAUGHTER,
    "儿媳": Relationship.DAUGHTER,
    "30": Relationship.DAUGHTER,
    "孙子": Relationship.GRANDCHILD,
    "孙女": Relationship.GRANDCHILD,
    "外孙子": Relationship.GRANDCHILD,
    "外孙女": Relationship.GRANDCHILD,
    "40": Relationship.GRANDCHILD,
    "父亲": Relationship.PARENT,
    "母亲": Relationship.PARENT,
    "父": Relationship.PARENT,
    "母": Relationship.PARENT,
    "50": Relationship.PARENT,
    "祖父": Relationship.GRANDPARENT,
    "祖母": Relationship.GRANDPARENT,
    "爷爷": Relationship.GRANDPARENT,
    "奶奶": Relationship.GRANDPARENT,
    "60": Relationship.GRANDPARENT,
    "兄": Relationship.SIBLING,
    "弟": Relationship.SIBLING,
    "姐": Relationship.SIBLING,
    "妹": Relationship.SIBLING,
    "兄弟": Relationship.SIBLING,
    "姐妹": Relationship.SIBLING,
    "70": Relationship.SIBLING,
    "99": Relationship.OTHER,
}

COLUMNS = [
    Column(
        "number",
        "户编号",
        ("户号", "户编码", "家庭编号"),
        level="household",
        required=True,
        max_length=30,
        hint="户的唯一编号，同户成员填同一编号",
    ),
    Column("name", "姓名", ("成员姓名", "人员姓名"), required=True, max_length=50),
    Column(
        "id_number",
        "公民身份号码",
        ("身份证号", "身份证号码", "证件号码", "身份证", "公民身份证号码"),
        required=True,
        kind="id",
        hint="18位身份证号，以文本格式填写",
    ),
    Column(
        "relationship",
        "与户主关系",
        ("户主关系", "与户主的关系", "家庭关系"),
        required=True,
        kind="enum",
        choices=RELATIONSHIP,
        synonyms=RELATIONSHIP_SYNONYMS,
    ),
    Column(
        "sex",
        "性别",
        kind="enum",
        choices={"男": Sex.MALE, "女": Sex.FEMALE},
        synonyms={"男性": Sex.MALE, "女性": Sex.FEMALE},
        hint="可不填，按身份证号推算",
    ),
    Column(
        "birth_date",
        "出生日期",
        ("出生年月", "出生年月日"),
        kind="date",
        hint="可不填，按身份证号推算；2019-05-25、2019/5/25、2019.5.25、2019年5月25日、20190525",
    ),
    Column("ethnicity", "民族", max_length=20, hint="如：汉族"),
    Column(
        "education",
        "文化程度",
        ("学历",),
        kind="enum",
        choices={
            "文盲或半文盲": Education.NONE,
            "学前": Education.PRESCHOOL,
            "小学": Education.PRIMARY,
            "初中": Education.JUNIOR,
            "高中": Education.SENIOR,
            "中职": Education.VOCATIONAL,
            "大专及以上": Education.COLLEGE,
        },
        synonyms={
            "文盲": Education.NONE,
            "半文盲": Education.NONE,
            "文盲半文盲": Education.NONE,
            "学龄前": Education.PRESCHOOL,
            "中专": Education.VOCATIONAL,
            "技校": Education.VOCATIONAL,
            "大专": Education.COLLEGE,
            "本科": Education.COLLEGE,
            "本科及以上": Education.COLLEGE,
            "研究生": Education.COLLEGE,
        },
    ),
    Column(
        "school_status",
        "在校状况",
        ("在校生状况", "在校情况"),
        kind="enum",
        choices={
            "学前": SchoolStatus.PRESCHOOL,
            "小学": SchoolStatus.PRIMARY,
            "七至九年级": SchoolStatus.JUNIOR,
            "高中": SchoolStatus.SENIOR,
            "中职": SchoolStatus.VOCATIONAL,
            "高职/大学": SchoolStatus.COLLEGE,
            "非在校": SchoolStatus.NOT_IN_SCHOOL,
        },
        synonyms={
            "学前教育": SchoolStatus.PRESCHOOL,
            "初中": SchoolStatus.JUNIOR,
            "中专": SchoolStatus.VOCATIONAL,
            "高职": SchoolStatus.COLLEGE,
            "大学": SchoolStatus.COLLEGE,
            "大专": SchoolStatus.COLLEGE,
            "本科": SchoolStatus.COLLEGE,
            "非在校生": SchoolStatus.NOT_IN_SCHOOL,
            "不在校": SchoolStatus.NOT_IN_SCHOOL,
        },
    ),
    Column(
        "health",
        "健康状况",
        kind="enum",
        choices={
            "健康": Health.HEALTHY,
            "长期慢性病": Health.CHRONIC,
            "患有大病": Health.SERIOUS,
            "残疾": Health.DISABLED,
        },
        synonyms={
            "良好": Health.HEALTHY,
            "健康良好": Health.HEALTHY,
            "慢性病": Health.CHRONIC,
            "大病": Health.SERIOUS,
            "重病": Health.SERIOUS,
            "残疾人": Health.DISABLED,
        },
    ),
    Column(
        "labour_capacity",
        "劳动技能",
        ("劳动能力", "劳动力状况"),
        required=True,
        kind="enum",
        choices={
            "普通劳动力": LabourCapacity.ORDINARY,
            "技能劳动力": LabourCapacity.SKILLED,
            "弱劳动力或半劳动力": LabourCapacity.WEAK,
            "丧失劳动力": LabourCapacity.LOST,
            "无劳动力": LabourCapacity.NONE,
        },
        synonyms={
            "普通": LabourCapacity.ORDINARY,
            "技能": LabourCapacity.SKILLED,
            "弱劳动力": LabourCapacity.WEAK,
            "半劳动力": LabourCapacity.WEAK,
            "弱或半劳动力": LabourCapacity.WEAK,
            "丧失劳动能力": LabourCapacity.LOST,
            "无劳动能力": LabourCapacity.NONE,
        },
    ),
    Column(
        "training_willingness",
        "培训意愿",
        ("是否愿意培训",),
        kind="enum",
        choices={
            "愿意参加培训": TrainingWillingness.WILLING,
            "不愿参加培训": TrainingWillingness.UNWILLING,
        },
        synonyms={
            "愿意": TrainingWillingness.WILLING,
            "是": TrainingWillingness.WILLING,
            "有": TrainingWillingness.WILLING,
            "不愿意": TrainingWillingness.UNWILLING,
            "否": TrainingWillingness.UNWILLING,
            "无": TrainingWillingness.UNWILLING,
        },
    ),
    Column(
        "disability_certificate",
        "残疾证号",
        ("残疾证号码", "残疾人证号"),
        kind="certificate",
        hint="本人身份证号 + 残疾类别(1–7) + 残疾等级(1–4)，共20位",
    ),
    Column(
        "phone",
        "联系电话",
        ("电话", "手机号", "手机号码", "联系方式", "手机"),
        kind="mobile",
        hint="11位手机号",
    ),
    Column(
        "building",
        "楼栋",
        ("楼栋号", "楼栋编号", "楼号", "栋号"),
        level="dwelling",
        hint="楼栋编号",
    ),
    Column("entrance", "单元", ("单元号",), level="dwelling", kind="int", hint="数字，如 1"),
    Column("floor", "楼层", ("层",), level="dwelling", kind="int", hint="数字，如 3"),
    Column("room", "房号", ("房间号", "门牌号", "室号"), level="dwelling", max_length=10),
    Column(
        "origin_town",
        "原籍乡镇",
        ("迁出乡镇", "原乡镇"),
        level="household",
        required=True,
        max_length=50,
    ),
    Column(
        "origin_village",
        "原籍村",
        ("迁出村", "原村", "原籍村组"),
        level="household",
        required=True,
        max_length=50,
    ),
    Column(
        "relocation_mode",
        "安置方式",
        level="household",
        kind="enum",
        choices={"集中安置": RelocationMode.CENTRALISED, "分散安置": RelocationMode.DISPERSED},
        synonyms={"集中": RelocationMode.CENTRALISED, "分散": RelocationMode.DISPERSED},
    ),
    Column(
        "move_in_date",
        "搬迁入住日期",
        ("入住日期", "搬迁日期", "搬迁入住时间"),
        level="household",
        kind="date",
        hint="2019-05-25、2019/5/25、2019.5.25、2019年5月25日、20190525",
    ),
    Column(
        "poverty_status",
        "脱贫户类型",
        ("户类型", "贫困户属性", "脱贫户属性"),
        level="household",
        required=True,
        kind="enum",
        choices={
            "一般脱贫户": PovertyStatus.GENERAL,
            "低保户": PovertyStatus.DIBAO,
            "特困供养户": PovertyStatus.TEKUN,
        },
        synonyms={
            "一般户": PovertyStatus.GENERAL,
            "一般贫困户": PovertyStatus.GENERAL,
            "脱贫户": PovertyStatus.GENERAL,
            "低保": PovertyStatus.DIBAO,
            "低保贫困户": PovertyStatus.DIBAO,
            "特困户": PovertyStatus.TEKUN,
            "特困": PovertyStatus.TEKUN,
            "五保户": PovertyStatus.TEKUN,
            "特困供养": PovertyStatus.TEKUN,
        },
    ),
    Column(
        "main_cause",
        "致贫原因",
        ("主要致贫原因",),
        level="household",
        kind="enum",
        choices={
            "因病": PovertyCause.ILLNESS,
            "因残": PovertyCause.DISABILITY,
            "因学": PovertyCause.SCHOOLING,
            "因灾": PovertyCause.DISASTER,
            "缺土地": PovertyCause.NO_LAND,
            "缺水": PovertyCause.NO_WATER,
            "缺技术": PovertyCause.NO_SKILLS,
            "缺劳动力": PovertyCause.NO_LABOUR,
            "缺资金": PovertyCause.NO_CAPITAL,
            "交通条件落后": PovertyCause.TRANSPORT,
            "自身发展动力不足": PovertyCause.NO_DRIVE,
            "其他": PovertyCause.OTHER,
        },
        synonyms={"交通落后": PovertyCause.TRANSPORT, "缺乏劳动力": PovertyCause.NO_LABOUR},
    ),
    Column(
        "monitoring_category",
        "监测对象类别",
        ("监测类别", "监测对象"),
        level="household",
        kind="enum",
        choices={
            "非监测户": MonitoringCategory.NONE,
            "脱贫不稳定户": MonitoringCategory.UNSTABLE,
            "边缘易致贫户": MonitoringCategory.MARGINAL,
            "突发严重困难户": MonitoringCategory.SHOCK,
        },
        synonyms={
            "否": MonitoringCategory.NONE,
            "非监测对象": MonitoringCategory.NONE,
            "无": MonitoringCategory.NONE,
            "不稳定户": MonitoringCategory.UNSTABLE,
            "边缘户": MonitoringCategory.MARGINAL,
            "突发困难户": MonitoringCategory.SHOCK,
        },
    ),
    Column(
        "hukou_status",
        "户籍状态",
        ("户口状态", "户籍", "户籍状况"),
        kind="enum",
        choices={
            "已迁入社区": HukouStatus.MOVED,
            "保留在原籍": HukouStatus.ORIGIN,
            "迁移办理中": HukouStatus.IN_PROGRESS,
        },
        synonyms={
            "已迁入": HukouStatus.MOVED,
            "已迁移": HukouStatus.MOVED,
            "原籍": HukouStatus.ORIGIN,
            "未迁移": HukouStatus.ORIGIN,
            "未迁": HukouStatus.ORIGIN,
            "办理中": HukouStatus.IN_PROGRESS,
        },
    ),
    Column(
        "area",
        "住房面积",
        ("面积", "安置面积", "住房面积(㎡)", "住房面积（㎡）"),
        level="dwelling",
        kind="decimal",
        hint="平方米；仅在新建房屋时使用",
    ),
]

BY_KEY = {c.key: c for c in COLUMNS}
PERSON_FIELDS = [c.key for c in COLUMNS if c.level == "person"]
HOUSEHOLD_FIELDS = [c.key for c in COLUMNS if c.level == "household" and c.key != "number"]


def _clean_header(text) -> str:
    text = "" if text is None else str(text)
    for ch in " \t\r\n\u3000*＊":
        text = text.replace(ch, "")
    return text.replace("（", "(").replace("）", ")")


HEADER_INDEX = {}
for _c in COLUMNS:
    for _h in (_c.header, *_c.variants):
        HEADER_INDEX[_clean_header(_h)] = _c


def column_for_header(text) -> Column | None:
    return HEADER_INDEX.get(_clean_header(text))


def enum_lookup(column: Column) -> dict:
    table = {k: v for k, v in column.synonyms.items()}
    table.update(column.choices)
    for value in column.choices.values():
        if value:
            table.setdefault(str(value), value)
    return table
