"""Resident identity numbers (公民身份号码, GB 11643-1999) and mobile numbers.

django-localflavor's ``CNIDCardField`` checks the checksum, but it accepts 15-digit numbers,
does not normalise full-width digits or spaces, accepts future birth dates and does not
derive sex, so the registry uses this small module instead (DOMAIN.md §1).
"""

import contextlib
import contextvars
import datetime
import functools
import operator
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_FULLWIDTH = {ord("０") + i: ord("0") + i for i in range(10)}
_FULLWIDTH.update({ord("Ｘ"): ord("X"), ord("ｘ"): ord("X")})
_SPACES = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True)
class IDInfo:
    number: str
    area_code: str
    birth_date: datetime.date
    sex: str  # "M" or "F", matching households.Person.Sex


def normalize_id_number(value: str) -> str:
    """Strip spaces, turn full-width digits into ASCII and a lowercase x into X."""
    if value is None:
        return ""
    value = str(value)
    if value.isascii() and value.isalnum():  # the usual case: nothing to strip or translate
        return value.upper() if value[-1:] == "x" else value
    return _SPACES.sub("", value).translate(_FULLWIDTH).upper()


_WEIGHT_OF_ZEROS = 48 * sum(WEIGHTS)  # "0" is 48: the digits' bytes minus this


def check_character(first17: str) -> str:
    if len(first17) != 17:
        raise ValueError("17 characters expected")
    if first17.isascii() and first17.isdigit():  # the usual case: the digits' bytes
        return CHECK_CHARS[
            (sum(map(operator.mul, first17.encode(), WEIGHTS)) - _WEIGHT_OF_ZEROS) % 11
        ]
    return CHECK_CHARS[sum(map(operator.mul, map(int, first17), WEIGHTS)) % 11]


@functools.lru_cache(maxsize=65536)
def _birth_date(digits: str) -> datetime.date | None:
    """The date of the eight digits YYYYMMDD, None when it does not exist (cached: a
    roster of 100,000 people has a few thousand birth dates)."""
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


_RECENT_YEAR = datetime.date.today().year - 1


_remembered: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "id_numbers_remembered", default=None
)


@contextlib.contextmanager
def remembering():
    """Within the block, each valid number is worked out once: a roster check parses every
    ID number of the file, then ``Person.clean`` parses each again (100,000 numbers: 1.8 s
    under the profiler on a slow machine). What is remembered goes with the block: no
    number stays in memory after it."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def id_number_facts(value: str, *, today: datetime.date | None = None):
    """``parse_id_number`` without the ``IDInfo``: (number, birth date, sex). For checking
    many numbers at once (the roster import); the same rules and messages."""
    memo = _remembered.get() if today is None else None
    if memo is not None:
        facts = memo.get(value)
        if facts is None:
            facts = memo[value] = _id_number_facts(value, today=None)
        return facts
    return _id_number_facts(value, today=today)


def _id_number_facts(value: str, *, today: datetime.date | None):
    number = normalize_id_number(value)
    if len(number) == 15 and number.isdigit():
        raise ValidationError(
            _("15-digit ID numbers are not accepted; convert it to the 18-digit number first."),
            code="legacy",
        )
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(n)d.") % {"n": len(number)},
            code="length",
        )
    first17 = number[:17]
    if not (first17.isascii() and first17.isdigit()) or number[17] not in "0123456789X":
        raise ValidationError(
            _("An ID number is 17 digits followed by a digit or X."), code="characters"
        )
    birth = _birth_date(number[6:14])
    if birth is None:
        raise ValidationError(
            _("The birth date %(date)s in the ID number does not exist.") % {"date": number[6:14]},
            code="birth_date",
        )
    # Without ``today`` given, only a birth in the last year or two can be after today
    # (``today()`` is a system call: a roster of 100,000 numbers does not ask it each time).
    if birth.year < 1900 or (
        (today is not None or birth.year >= _RECENT_YEAR)
        and birth > (today or datetime.date.today())
    ):
        raise ValidationError(
            _("The birth date %(date)s in the ID number is not possible.")
            % {"date": birth.isoformat()},
            code="birth_date",
        )
    if check_character(first17) != number[17]:
        raise ValidationError(
            _("The check character of the ID number is wrong: please check each digit."),
            code="checksum",
        )
    if area_code_info(number[:6]) is None:
        raise ValidationError(
            _(
                "The first six digits %(code)s of the ID number were never an administrative"
                " division code."
            )
            % {"code": number[:6]},
            code="area_code",
        )
    return number, birth, ("M" if number[16] in "13579" else "F")


def parse_id_number(value: str, *, today: datetime.date | None = None) -> IDInfo:
    """Validate an 18-character number and return what it encodes.

    Raises ``ValidationError`` with a message in the active language naming what is wrong.
    """
    number, birth, sex = id_number_facts(value, today=today)
    return IDInfo(number=number, area_code=number[:6], birth_date=birth, sex=sex)


def validate_id_number(value: str) -> None:
    parse_id_number(value)


def make_id_number(area_code: str, birth_date: datetime.date, sequence: int) -> str:
    """Build a valid number: used by the demo seeder and tests (sequence 0..999)."""
    first17 = f"{area_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def mask_id_number(value: str) -> str:
    """Show the area code and the last four characters: ``360735********001X``."""
    if not value:
        return ""
    if len(value) != 18:
        return "*" * len(value)
    return f"{value[:6]}{'*' * 8}{value[14:]}"


def mask_document_number(value: str) -> str:
    """A number that starts with an ID number (a disability certificate is the holder's ID
    number and two digits): the ID part masked, the rest kept."""
    if not value:
        return ""
    if len(value) < 18:
        return "*" * len(value)
    return mask_id_number(value[:18]) + value[18:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}****{value[-4:]}"


def normalize_mobile(value: str) -> str:
    return _SPACES.sub("", str(value or "")).translate(_FULLWIDTH).replace("-", "")


def validate_mobile(value: str) -> None:
    if value and not MOBILE_RE.match(value):
        raise ValidationError(_("A mobile number is 11 digits starting with 13–19."), code="mobile")


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Whole years (周岁). A 29 February birthday counts from 28 February in other years."""
    years = day.year - birth_date.year
    month, dom = birth_date.month, birth_date.day
    if month == 2 and dom == 29:
        if not _is_leap(day.year):
            dom = 28
    if (day.month, day.day) < (month, dom):
        years -= 1
    return years


def birth_date_bounds_for_age(min_age: int, max_age: int, day: datetime.date):
    """Birth dates (earliest, latest) of people aged min_age..max_age on ``day``.

    For SQL filters: ``birth_date__gte=earliest, birth_date__lte=latest``.
    """
    latest = _years_before(day, min_age)
    earliest = _years_before(day, max_age + 1) + datetime.timedelta(days=1)
    return earliest, latest


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    """The latest birth date of someone who is ``years`` old on ``day``."""
    year = day.year - years
    if (day.month, day.day) == (2, 28) and not _is_leap(day.year) and _is_leap(year):
        return datetime.date(year, 2, 29)  # born 29 Feb: a year older on 28 Feb
    if (day.month, day.day) == (2, 29) and not _is_leap(year):
        return datetime.date(year, 2, 28)
    return day.replace(year=year)


DISABILITY_CATEGORIES = range(1, 8)  # 1 视力 2 听力 3 言语 4 肢体 5 智力 6 精神 7 多重
DISABILITY_GRADES = range(1, 5)  # 1 most severe
DISABILITY_CATEGORY_NAMES = {
    "1": _("visual disability"),
    "2": _("hearing disability"),
    "3": _("speech disability"),
    "4": _("physical disability"),
    "5": _("intellectual disability"),
    "6": _("mental disability"),
    "7": _("multiple disabilities"),
}
DISABILITY_GRADE_NAMES = {
    "1": _("grade 1"),
    "2": _("grade 2"),
    "3": _("grade 3"),
    "4": _("grade 4"),
}


def disability_in_words(certificate: str) -> str:
    """The category and grade a valid certificate number carries, in words (肢体残疾 二级)."""
    if len(certificate) != 20:
        return ""
    category = DISABILITY_CATEGORY_NAMES.get(certificate[18])
    grade = DISABILITY_GRADE_NAMES.get(certificate[19])
    return f"{category} {grade}" if category and grade else ""


def parse_disability_certificate(value: str, *, id_number: str) -> str:
    """A disability certificate number (残疾人证号) is the holder's own 18-character ID
    number, then the category digit (1–7) and the grade digit (1–4) (DOMAIN.md §1).

    Returns the normalised number; raises ``ValidationError`` naming what is wrong.
    """
    number = normalize_id_number(value)
    if len(number) != 20:
        raise ValidationError(
            _("A disability certificate number has 20 characters; this one has %(n)d.")
            % {"n": len(number)},
            code="length",
        )
    if number[:18] != normalize_id_number(id_number):
        raise ValidationError(
            _("A disability certificate number starts with the holder's own ID number."),
            code="holder",
        )
    category, grade = number[18], number[19]
    if not category.isdigit() or int(category) not in DISABILITY_CATEGORIES:
        raise ValidationError(
            _("The disability category (19th character) must be 1–7; it is %(c)s.")
            % {"c": category},
            code="category",
        )
    if not grade.isdigit() or int(grade) not in DISABILITY_GRADES:
        raise ValidationError(
            _("The disability grade (20th character) must be 1–4; it is %(g)s.") % {"g": grade},
            code="grade",
        )
    return number


# --- area codes (GB/T 2260) -----------------------------------------------------------------
# python-stdnum ships the administrative-division codes with the years each was in use. A
# number keeps the code of its first issue, so a code is accepted when it existed at any
# time, whatever the birth year: Shicheng County (石城县) is 360735 from 1998 and 362137
# before, and both are valid (``stdnum.cn.ric.validate`` would refuse the older people's
# 360735 numbers, so it is not used).
_YEARS = re.compile(r"^\[(\d{4})?-(\d{4})?\](.+)$")


@dataclass(frozen=True)
class AreaName:
    name: str
    since: int | None  # first year in use, None: before the table starts
    until: int | None  # last year in use, None: still in use

    @property
    def years(self) -> str:
        """``1998–``, ``–1998``, ``1983–1994`` or empty when in use throughout."""
        if self.since is None and self.until is None:
            return ""
        return f"{self.since or ''}–{self.until or ''}"


@dataclass(frozen=True)
class AreaInfo:
    code: str
    province: str
    names: tuple[AreaName, ...]  # the county (or city) names the code had, oldest first

    @property
    def county(self) -> str:
        return self.names[-1].name if self.names else ""


@functools.cache
def _area_db():
    from stdnum import numdb

    return numdb.get("cn/loc")


def _names(value: str) -> tuple[AreaName, ...]:
    names = []
    for part in value.split(","):
        match = _YEARS.match(part.strip())
        if match:
            since, until, name = match.groups()
            names.append(
                AreaName(name, int(since) if since else None, int(until) if until else None)
            )
        elif part.strip():
            names.append(AreaName(part.strip(), None, None))
    return tuple(names)


@functools.lru_cache(maxsize=4096)
def area_code_info(code: str) -> AreaInfo | None:
    """The province and county names of a six-digit area code with their years of use, or
    None when the code never was an administrative division."""
    if not (isinstance(code, str) and len(code) == 6 and code.isdigit()):
        return None
    parts = _area_db().info(code)
    if len(parts) < 2:
        return None
    province = parts[0][1].get("province", "")
    county = parts[1][1].get("county", "")
    if not province or not county:
        return None
    return AreaInfo(code=code, province=province, names=_names(county))
