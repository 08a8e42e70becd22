"""The field catalogue of the table builder (一表通), built from the models, not typed by hand.

Every field is a ``Field``: a stable key ("person.id_number", "record.training.course",
"rule.zero-employment", "derived.age"), its Chinese label (the model field's
``verbose_name``), its cell type (``core.excel``), the group and unit that own it, whether it
is personal data, and how it compiles into one annotation of the table's queryset for a row
per person or per household. Groups:

- the registry: every concrete field of building, dwelling, household and person (a new
  model field appears here without code). On a row per household the person fields are
  the head's ("户主姓名");
- the latest record of each kind of service record (``services.records.kinds.KINDS``) and of
  the household's incomes, one ``Subquery`` per column (latest by the kind's date);
- a yes/no column per obligation rule, ``Exists`` over the rule's own queryset;
- the latest monitoring case of the household;
- derived facts: age in whole years on the table's date, household size, laborers and
  employed members, the head's name, the address, the row number.

Who may pick what is ``fields_for_user``: a field the user may not read is not in the user's
catalogue at all, so a column naming it is refused wherever the spec comes from.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache

from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from buildings.models import Building, Dwelling
from core.excel import DATE, DECIMAL, INTEGER, MONEY, TEXT
from core.idnumbers import age_on, mask_id_number
from households.models import Household, HouseholdIncome, Person, PovertyCause
from services.monitoring.models import MonitoringCase, RiskType
from services.obligations.rules import HOUSEHOLD, PERSON, RULE_LIST, employed_q, labourer_q
from services.records.kinds import KINDS
from services.records.kinds import PERSON as RECORD_PERSON
from services.records.models import Allowance, MedicalInsurance

PERSON_ROWS = "person"
HOUSEHOLD_ROWS = "household"
ROW_KINDS = (PERSON_ROWS, HOUSEHOLD_ROWS)
REGISTRY = "registry"  # the owning "unit" of the registry's fields: the community itself
MONITORING = "monitoring"

# Personal data (个人信息): ID numbers, phones, health, disability, income.
PERSONAL_NAMES = frozenset(
    {
        "id_number",
        "disability_certificate",
        "phone",
        "health",
        "monthly_income",
        "monthly_amount",
        "income",
        "income_12m",
        "per_capita_net_income",
    }
)
MONEY_NAMES = frozenset({"monthly_income", "monthly_amount", "income", "income_12m"})
ID_NAMES = frozenset({"id_number", "disability_certificate"})  # full only with the permission
# Fields that say nothing a bureau's table needs and would only leak internals.
SKIPPED = frozenset({"fact_key", "authorisation", "version"})
# JSON lists of choice codes, shown by their labels.
JSON_CHOICES = {"secondary_causes": PovertyCause, "risk_types": RiskType}


@dataclass
class BuildContext:
    """What a column's expression depends on: the row kind, the table's date, the user's
    record sub-kinds (a unit that reads only some allowances)."""

    rows: str
    today: datetime.date
    subkinds: dict = field(default_factory=dict)  # record kind key -> allowed `kind` values


@dataclass
class CellContext:
    """What a cell's display depends on (set once per export)."""

    today: datetime.date
    full_ids: bool
    labels: dict = field(default_factory=dict)  # field key -> {value: label}
    yes: str = "yes"  # 是 / 否 in the export's language, translated once, not per cell
    no: str = "no"


@dataclass(frozen=True)
class Field:
    key: str
    label: object  # lazy translation
    type: str
    group: str
    group_label: object
    units: tuple  # unit codes owning it, or (REGISTRY,) / (MONITORING,)
    personal: bool
    rows: tuple  # the row kinds it applies to
    expression: Callable | None  # (BuildContext) -> an expression; None: computed per row
    display: Callable | None = None  # (value, CellContext, key) -> cell value
    full_id: bool = False  # needs services.export_full_id_number
    record_kind: str = ""  # the record kind it reads (access by readable kinds)
    rule: str = ""  # the rule it reads (access by the user's rules)
    choices: tuple = ()
    head_label: object = None  # the label on a row per household, when it differs
    record_subkinds: tuple = ()  # only records of these kinds (the 低保 columns)

    @property
    def label_for_person(self) -> str:
        return self.label_for(PERSON_ROWS)

    @property
    def label_for_household(self) -> str:
        return self.label_for(HOUSEHOLD_ROWS)

    def label_for(self, rows: str) -> str:
        if rows == HOUSEHOLD_ROWS and self.head_label is not None:
            return str(self.head_label)
        return str(self.label)


def _format(msgid: str, values: dict) -> str:
    return gettext(msgid) % {k: str(v) for k, v in values.items()}


_format_lazy = lazy(_format, str)


def fmt(msgid: str, **values):
    """A label made of a translated pattern and (lazy) parts, translated when shown: the
    catalogue is built once per process and shown in the language of each request."""
    return _format_lazy(msgid, values)


# --- displays -------------------------------------------------------------------------------


def _choice(value, cell, key):
    if value in (None, ""):
        return None
    return cell.labels[key].get(value, value)


def _yes_no(value, cell, key):
    if value is None:
        return ""
    return cell.yes if value else cell.no


def _local_date(value, cell, key):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def _json_list(value, cell, key):
    if not value:
        return None
    labels = cell.labels.get(key, {})
    return "、".join(str(labels.get(v, v)) for v in value)


def _full_id(value, cell, key):
    if not value:
        return ""
    return value if cell.full_ids else _masked(value, cell, key)


def _masked(value, cell, key):
    """An ID number masked; a disability certificate masked as the ID number it carries."""
    if not value:
        return ""
    return mask_id_number(value[:18]) + value[18:]


def _age(value, cell, key):
    return None if value is None else age_on(value, cell.today)


def _text(value, cell, key):
    return value


# The two displays ``CompiledTable`` applies without a call per cell: a text as it is, a
# choice as its label looked up in ``CellContext.labels``.
TEXT_DISPLAY = _text
CHOICE_DISPLAY = _choice


def cell_labels(fields) -> dict:
    """{key: {value: label}} for the choice fields, in the active language."""
    return {f.key: {v: str(label) for v, label in f.choices} for f in fields if f.choices}


# --- model fields ---------------------------------------------------------------------------


def _type_of(f: models.Field) -> str:
    if isinstance(f, models.DateField):  # DateTimeField too
        return DATE
    if isinstance(f, models.BooleanField):
        return TEXT
    if isinstance(f, models.DecimalField):
        return MONEY if f.name in MONEY_NAMES else DECIMAL
    if isinstance(f, models.IntegerField | models.AutoField | models.BigAutoField):
        return INTEGER
    return TEXT


def _display_of(f: models.Field):
    if f.name in JSON_CHOICES:
        return _json_list
    if f.choices:
        return _choice
    if isinstance(f, models.BooleanField):
        return _yes_no
    if isinstance(f, models.DateTimeField):
        return _local_date
    if isinstance(f, models.CharField | models.TextField):
        return _text
    return None


def _choices_of(f: models.Field) -> tuple:
    if f.name in JSON_CHOICES:
        return tuple(JSON_CHOICES[f.name].choices)
    return tuple(f.flatchoices) if f.choices else ()


def _label_of(model, f: models.Field):
    if f.primary_key:
        return _("system number")
    return f.verbose_name


# The related object a foreign key of the registry shows: its number, code or address.
def _dwelling_text(prefix: str):
    return Concat(
        F(f"{prefix}building__code"),
        Value("-"),
        Cast(F(f"{prefix}entrance"), models.CharField()),
        Value("-"),
        F(f"{prefix}room"),
        output_field=models.CharField(),
    )


def _related(f: models.ForeignKey, prefix: str):
    target = f.related_model
    path = f"{prefix}{f.name}__"
    if target is Dwelling:
        return _dwelling_text(path)
    natural = {Building: "code", Household: "number", Person: "name"}.get(target)
    if natural is None and target._meta.model_name == "department":
        natural = "name"
    if natural is None:
        return F(f"{prefix}{f.attname}")
    return F(f"{path}{natural}")


# How each registry model is reached from a row: (prefix on person rows, prefix on
# household rows); None where the model is read through the head of the household.
REGISTRY_MODELS = [
    (Person, "", None),
    (Household, "household__", ""),
    (Dwelling, "household__dwelling__", "dwelling__"),
    (Building, "household__dwelling__building__", "dwelling__building__"),
]


def _head_subquery(expression):
    """The value of ``expression`` (on Person) for the active head of the outer household."""
    # ``order_by()``: a household has one active head (a constraint), and the people's
    # default ordering would join the households table into every row's subquery.
    return Subquery(
        Person.objects.filter(household=OuterRef("pk"), relationship="01", is_active=True)
        .order_by()
        .annotate(_v=expression)
        .values("_v")[:1]
    )


def _registry_expression(model, f, person_prefix, household_prefix):
    def expression(ctx: BuildContext):
        if ctx.rows == PERSON_ROWS:
            prefix = person_prefix
        elif household_prefix is None:  # a person field on a household row: the head's
            inner = _related(f, "") if f.is_relation else F(f.attname)
            return _head_subquery(inner)
        else:
            prefix = household_prefix
        if f.is_relation:
            return _related(f, prefix)
        return F(f"{prefix}{f.attname}")

    return expression


def registry_fields() -> list[Field]:
    out = []
    for model, person_prefix, household_prefix in REGISTRY_MODELS:
        name = model._meta.model_name
        group_label = model._meta.verbose_name
        for f in model._meta.concrete_fields:
            label = _label_of(model, f)
            is_fk = f.is_relation
            full_id = f.name in ID_NAMES
            out.append(
                Field(
                    key=f"{name}.{f.name}",
                    label=label,
                    type=TEXT if is_fk else _type_of(f),
                    group=name,
                    group_label=group_label,
                    units=(REGISTRY,),
                    personal=f.name in PERSONAL_NAMES,
                    rows=ROW_KINDS,
                    expression=_registry_expression(model, f, person_prefix, household_prefix),
                    display=_full_id if full_id else (_text if is_fk else _display_of(f)),
                    full_id=full_id,
                    choices=_choices_of(f),
                    head_label=(
                        fmt(gettext_noop("head's %(label)s"), label=label)
                        if household_prefix is None
                        else None
                    ),
                )
            )
            if full_id:  # the same field masked: anyone who reads the registry may pick it
                masked = fmt(gettext_noop("%(label)s (masked)"), label=label)
                out.append(
                    Field(
                        key=f"{name}.{f.name}_masked",
                        label=masked,
                        type=TEXT,
                        group=name,
                        group_label=group_label,
                        units=(REGISTRY,),
                        personal=True,
                        rows=ROW_KINDS,
                        expression=_registry_expression(model, f, person_prefix, household_prefix),
                        display=_masked,
                        head_label=fmt(gettext_noop("head's %(label)s"), label=masked),
                    )
                )
    return out


# --- the latest record of each kind ---------------------------------------------------------


@dataclass(frozen=True)
class RecordSource:
    key: str
    model: type
    subject: str  # PERSON_ROWS or HOUSEHOLD_ROWS
    order: tuple  # newest first
    units: tuple
    group_label: object
    label: object  # the kind's name in a column's label
    record_kind: str = ""  # the record kind whose readers may read it ("" for the registry's)
    kinds: tuple = ()  # only records of these values of the model's ``kind`` (all when empty)


def record_sources() -> list[RecordSource]:
    sources = []
    for kind in KINDS.values():
        # Newest first (read off the kind's (person, date, id) index where it has one: no
        # sort per row); one enrolment a person and year (a constraint): no tie to break.
        if kind.key == "medicalinsurance":
            order = ("-year",)
        else:
            order = (f"-{kind.date_field}", "-pk")
        source = RecordSource(
            key=kind.key,
            model=kind.model,
            subject=PERSON_ROWS if kind.subject == RECORD_PERSON else HOUSEHOLD_ROWS,
            order=order,
            units=tuple(kind.units),
            group_label=fmt(gettext_noop("%(kind)s (latest)"), kind=kind.model._meta.verbose_name),
            label=kind.model._meta.verbose_name,
            record_kind=kind.key,
        )
        sources.append(source)
        if kind.model is Allowance:
            # 低保类别及金额: the latest minimum living allowance, rural or urban, whatever
            # other assistance came after it (the latest allowance of any kind may be a
            # disability allowance).
            dibao = _("minimum living allowance")
            sources.append(
                replace(
                    source,
                    key="dibao",
                    group_label=fmt(gettext_noop("%(kind)s (latest)"), kind=dibao),
                    label=dibao,
                    kinds=(Allowance.Kind.DIBAO_RURAL, Allowance.Kind.DIBAO_URBAN),
                )
            )
    sources.append(
        RecordSource(
            key="householdincome",
            model=HouseholdIncome,
            subject=HOUSEHOLD_ROWS,
            order=("-year",),  # one a household and year (a constraint)
            units=(REGISTRY,),
            group_label=fmt(
                gettext_noop("%(kind)s (latest)"), kind=HouseholdIncome._meta.verbose_name
            ),
            label=HouseholdIncome._meta.verbose_name,
        )
    )
    return sources


def latest_records(source: RecordSource, ctx: BuildContext):
    """The outer row's records of ``source``, newest first (limited to the user's
    sub-kinds)."""
    if source.subject == PERSON_ROWS and ctx.rows == HOUSEHOLD_ROWS:
        # A person's record on a row per household: the head's, as the person fields are.
        qs = source.model.objects.filter(
            person__household=OuterRef("pk"), person__relationship="01", person__is_active=True
        )
    elif source.subject == PERSON_ROWS:
        outer = "pk"
        qs = source.model.objects.filter(person=OuterRef(outer))
    else:
        outer = "pk" if ctx.rows == HOUSEHOLD_ROWS else "household_id"
        qs = source.model.objects.filter(household=OuterRef(outer))
    if source.kinds:
        qs = qs.filter(kind__in=source.kinds)
    allowed = ctx.subkinds.get(source.record_kind)
    if allowed is not None:
        qs = qs.filter(kind__in=allowed)
    return qs.order_by(*source.order)


def _record_expression(source: RecordSource, f):
    def expression(ctx: BuildContext):
        inner = _related(f, "") if f.is_relation else F(f.attname)
        return Subquery(latest_records(source, ctx).annotate(_v=inner).values("_v")[:1])

    return expression


# Links a record column does not show: the row itself, users, other records.
LINKS = frozenset({"household", "holding", "recorded_by", "converted_from", "clears", "visit"})


def record_fields() -> list[Field]:
    out = []
    for source in record_sources():
        model = source.model
        for f in model._meta.concrete_fields:
            if f.primary_key or f.name in SKIPPED or f.name in LINKS:
                continue
            if f.name == "person" and source.subject == PERSON_ROWS:
                continue  # the row's own person
            if isinstance(f, models.FileField):
                continue
            label = fmt(
                gettext_noop("%(kind)s: %(field)s"), kind=source.label, field=f.verbose_name
            )
            out.append(
                Field(
                    key=f"record.{source.key}.{f.name}",
                    label=label,
                    type=TEXT if f.is_relation else _type_of(f),
                    group=f"record.{source.key}",
                    group_label=source.group_label,
                    units=source.units,
                    personal=f.name in PERSONAL_NAMES,
                    rows=ROW_KINDS,
                    head_label=(
                        fmt(gettext_noop("head's %(label)s"), label=label)
                        if source.subject == PERSON_ROWS
                        else None
                    ),
                    expression=_record_expression(source, f),
                    display=_text if f.is_relation else _display_of(f),
                    record_kind=source.record_kind,
                    record_subkinds=source.kinds,
                    choices=_choices_of(f),
                )
            )
    return out


def has_record_q(source: RecordSource, ctx: BuildContext):
    return Exists(latest_records(source, ctx))


# --- obligation rules -----------------------------------------------------------------------


def rule_exists(rule, ctx: BuildContext):
    """Whether the outer row fails ``rule`` on the table's date: ``Exists`` over the rule's
    own failing queryset. A household row fails a person rule when one member fails it."""
    failing = rule.failing(ctx.today)
    if ctx.rows == PERSON_ROWS:
        ref = "pk" if rule.subject == PERSON else "household_id"
        return Exists(failing.filter(pk=OuterRef(ref)))
    if rule.subject == PERSON:
        return Exists(failing.filter(household=OuterRef("pk")))
    return Exists(failing.filter(pk=OuterRef("pk")))


def rule_fields() -> list[Field]:
    out = []
    for rule in RULE_LIST:
        if rule.subject not in (PERSON, HOUSEHOLD):
            continue
        label = fmt(gettext_noop("whether: %(rule)s"), rule=rule.title)
        out.append(
            Field(
                key=f"rule.{rule.code}",
                label=label,
                type=TEXT,
                group="rules",
                group_label=_("Obligation rules (yes: fails the rule)"),
                units=tuple(rule.units),
                personal=False,
                rows=ROW_KINDS,
                expression=lambda ctx, rule=rule: rule_exists(rule, ctx),
                display=_yes_no,
                rule=rule.code,
                head_label=(
                    fmt(gettext_noop("whether a member: %(rule)s"), rule=rule.title)
                    if rule.subject == PERSON
                    else None
                ),
            )
        )
    return out


# --- monitoring -----------------------------------------------------------------------------


def latest_case(ctx: BuildContext):
    ref = "pk" if ctx.rows == HOUSEHOLD_ROWS else "household_id"
    return MonitoringCase.objects.filter(household=OuterRef(ref)).order_by("-lead_on", "-pk")


def monitoring_fields() -> list[Field]:
    out = []
    for f in MonitoringCase._meta.concrete_fields:
        if f.primary_key or f.name in SKIPPED or f.is_relation:
            continue
        if isinstance(f, models.FileField):
            continue

        def expression(ctx, f=f):
            return Subquery(latest_case(ctx).values(f.attname)[:1])

        out.append(
            Field(
                key=f"monitoring.{f.name}",
                label=fmt(
                    gettext_noop("%(kind)s: %(field)s"),
                    kind=MonitoringCase._meta.verbose_name,
                    field=f.verbose_name,
                ),
                type=_type_of(f),
                group="monitoring",
                group_label=_("Monitoring (the household's latest case)"),
                units=(MONITORING,),
                personal=f.name in PERSONAL_NAMES,
                rows=ROW_KINDS,
                expression=expression,
                display=_display_of(f),
                choices=_choices_of(f),
            )
        )
    return out


# --- derived facts --------------------------------------------------------------------------


def _household_ref(ctx):
    return "pk" if ctx.rows == HOUSEHOLD_ROWS else "household_id"


class _Count(Subquery):
    """A count's ``Subquery``, its value used as the driver returns it (an ``int``, on
    every backend): without the ``int()`` a ``Subquery`` with an ``IntegerField`` output
    calls on every value, two million Python calls in a table of a million people with
    its size and laborers."""

    @property
    def convert_value(self):
        return self._convert_value_noop


def _members_count(ctx: BuildContext, q=None):
    qs = Person.objects.filter(household=OuterRef(_household_ref(ctx)), is_active=True)
    if q is not None:
        qs = qs.filter(q)
    # One ungrouped COUNT(*) a row (0 for none: no GROUP BY, no LIMIT, no COALESCE).
    return _Count(
        qs.order_by()
        .annotate(n=Func(template="COUNT(*)", output_field=models.IntegerField()))
        .values("n"),
        output_field=models.IntegerField(),
    )


def _birth_date(ctx):
    if ctx.rows == PERSON_ROWS:
        return F("birth_date")
    return _head_subquery(F("birth_date"))


def _address(ctx):
    prefix = "household__dwelling__" if ctx.rows == PERSON_ROWS else "dwelling__"
    return Concat(
        F(f"{prefix}building__name"),
        Cast(F(f"{prefix}entrance"), models.CharField()),
        Value("单元"),
        F(f"{prefix}room"),
        Value("室"),
        output_field=models.CharField(),
    )


def _head_name(ctx):
    if ctx.rows == HOUSEHOLD_ROWS:
        return _head_subquery(F("name"))
    return Subquery(
        Person.objects.filter(household=OuterRef("household_id"), relationship="01", is_active=True)
        .order_by()
        .values("name")[:1]
    )


def _employed(ctx):
    if ctx.rows == PERSON_ROWS:
        return Exists(Person.objects.filter(pk=OuterRef("pk")).filter(employed_q(ctx.today)))
    return Exists(
        Person.objects.filter(household=OuterRef("pk"), is_active=True).filter(
            employed_q(ctx.today)
        )
    )


def _insured_this_year(ctx):
    """Where the person is enrolled in medical insurance for the table's year (本年度)."""
    return Subquery(
        MedicalInsurance.objects.filter(person=OuterRef("pk"), year=ctx.today.year)
        .order_by("-pk")
        .values("place")[:1]
    )


ROW_NUMBER = "derived.row_number"


def derived_fields() -> list[Field]:
    group, group_label = "derived", _("Derived facts")

    def make(key, label, typ, expression, display=None, personal=False, rows=ROW_KINDS, **kw):
        return Field(
            key=key,
            label=label,
            type=typ,
            group=group,
            group_label=group_label,
            units=(REGISTRY,),
            personal=personal,
            rows=rows,
            expression=expression,
            display=display,
            **kw,
        )

    return [
        make(ROW_NUMBER, _("row number"), INTEGER, None),
        make(
            "derived.age",
            _("age in whole years on the table's date"),
            INTEGER,
            _birth_date,
            _age,
            head_label=_("head's age in whole years on the table's date"),
        ),
        make("derived.head_name", _("head of household"), TEXT, _head_name, _text),
        make("derived.address", _("address"), TEXT, _address, _text),
        make("derived.household_size", _("household size"), INTEGER, _members_count),
        make(
            "derived.laborers",
            _("laborers in the household"),
            INTEGER,
            lambda ctx: _members_count(ctx, labourer_q(ctx.today)),
        ),
        make(
            "derived.employed_members",
            _("employed members of the household"),
            INTEGER,
            lambda ctx: _members_count(ctx, employed_q(ctx.today)),
        ),
        make(
            "derived.insured_place",
            _("medical insurance enrolled at, for the table's year"),
            TEXT,
            _insured_this_year,
            _choice,
            rows=(PERSON_ROWS,),
            record_kind="medicalinsurance",
            choices=tuple(MedicalInsurance._meta.get_field("place").flatchoices),
        ),
        make(
            "derived.employed",
            _("employed on the table's date"),
            TEXT,
            _employed,
            _yes_no,
            head_label=_("someone employed on the table's date"),
        ),
    ]


@cache
def all_fields() -> tuple[Field, ...]:
    """Every field, in the page's order (registry, derived, records, rules, monitoring)."""
    fields = [
        *registry_fields(),
        *derived_fields(),
        *record_fields(),
        *rule_fields(),
        *monitoring_fields(),
    ]
    keys = [f.key for f in fields]
    assert len(keys) == len(set(keys)), "duplicate catalogue keys"
    return tuple(fields)


def fields_by_key() -> dict[str, Field]:
    return {f.key: f for f in all_fields()}
