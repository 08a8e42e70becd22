"""The catalogue of the bureaus' workbooks. Each report lists its sheets; each sheet its
columns once, as (header, accessor, type). Rows come from the registry selectors (scoped to
the user) as value dicts through one cursor per sheet, with the related records of every
row read alongside in one more query each (``catalogue.stream``), so an export sends the
same queries for ten rows or a million; figures come from the same rules and selectors as
the dashboards."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buildings.models import Building, Dwelling
from core.excel import DATE, DECIMAL, INTEGER, MONEY
from core.idnumbers import age_on, birth_date_bounds_for_age
from households.filters import HouseholdFilter
from households.models import Household, HouseholdIncome, Person, Relationship
from households.selectors import households_for_user, people_for_user
from services.firesafety.models import FireInspection
from services.monitoring.models import (
    STEP_ORDER,
    CaseStatus,
    CaseStep,
    HelpMeasure,
    MonitoringCase,
    Step,
)
from services.monitoring.selectors import (
    case_list_for_user,
    cases_filtered,
    flagged_q,
    is_overdue,
)
from services.obligations.rules import (
    INSPECTION,
    PERSON,
    RULE_LIST,
    RULES,
    config,
    employed_q,
    labourer_q,
)
from services.obligations.selectors import rule_figures
from services.records.models import (
    Allowance,
    Employment,
    FamilyPlanningRecord,
    HukouMigration,
    LandHolding,
    LandRightEvent,
    MedicalInsurance,
    PensionEnrolment,
    ResidencePermit,
    SchoolEnrolment,
    Training,
)
from services.reports.catalogue import (
    EVERY_UNIT,
    Col,
    Related,
    Report,
    ReportContext,
    Sheet,
    batched,
    choice,
    key,
    label,
    stream,
    verbose,
    yes_no,
)
from services.reports.forms import (
    MonitoringReportForm,
    PeriodReportForm,
    RosterReportForm,
    YearReportForm,
)
from services.requests.models import ResidentRequest
from services.requests.selectors import (
    overdue_q,
    request_figures_by_unit,
    request_figures_total,
    requests_for_user,
    sees_all_requests,
)

NO_DWELLING = _("no dwelling")


# --- shared querysets and columns ----------------------------------------------------------
#
# A sheet's rows are value dicts from ``stream`` (one query for the rows, one per ``Related``
# list, however many rows); each column reads its fields from the dict. ``*_FIELDS`` name
# the fields the shared columns read.


def household_q(ctx: ReportContext, prefix: str = "") -> Q:
    """The registry filters of the report's form, on the household at ``prefix``: building
    number (every report); poverty status, move-in year and never confirmed (the roster, as
    on the household list; its text search is ``_searched``)."""
    q = Q()
    if ctx.building:
        q &= Q(**{f"{prefix}dwelling__building__code": ctx.building})
    if ctx.params.get("poverty_status"):
        q &= Q(**{f"{prefix}poverty_status": ctx.params["poverty_status"]})
    if ctx.params.get("move_in_year"):
        q &= Q(**{f"{prefix}move_in_date__year": int(ctx.params["move_in_year"])})
    if ctx.params.get("confirmed") == "never":
        q &= Q(**{f"{prefix}confirmed_at__isnull": True})
    return q


def _living(ctx: ReportContext) -> bool:
    """The households living here, unless the roster asks for those who moved out."""
    return ctx.params.get("is_active") != "0"


def _searched(ctx: ReportContext, households):
    """The household list's text search ``q`` (the roster carries it), by the list's own
    lookups, so that the export holds the rows the list shows."""
    text = (ctx.params.get("q") or "").strip()
    return HouseholdFilter().search(households, "q", text) if text else households


def people_qs(ctx: ReportContext):
    qs = people_for_user(ctx.user).filter(is_active=True, household__is_active=_living(ctx))
    qs = qs.filter(household_q(ctx, "household__"))
    if ctx.params.get("q"):
        qs = qs.filter(household__in=households_qs(ctx).values("pk"))
    return qs


def households_qs(ctx: ReportContext):
    qs = households_for_user(ctx.user).filter(household_q(ctx), is_active=_living(ctx))
    return _searched(ctx, qs)


def place_fields(prefix: str) -> list[str]:
    return [
        f"{prefix}number",
        f"{prefix}dwelling__building__code",
        f"{prefix}dwelling__entrance",
        f"{prefix}dwelling__room",
    ]


def place_cols(prefix: str) -> list[Col]:
    """Household number, building, entrance and room of the household at ``prefix``."""
    number, building, entrance, room = place_fields(prefix)
    return [
        Col(verbose(Household, "number"), key(number)),
        Col(_("building number"), key(building)),
        Col(verbose(Dwelling, "entrance"), key(entrance), INTEGER),
        Col(verbose(Dwelling, "room"), key(room)),
    ]


def instance_place_cols(get_household) -> list[Col]:
    """``place_cols`` for the sheets whose rows are model instances (``batched``: the
    monitoring cases, their steps and measures): the row's household read through
    ``get_household(row)``, its dwelling and building selected with it."""

    def dwelling_attr(attr):
        def get(row):
            household = get_household(row)
            d = household.dwelling if household is not None else None
            if d is None:
                return None
            return d.building.code if attr == "building" else getattr(d, attr)

        return get

    return [
        Col(verbose(Household, "number"), lambda r: get_household(r).number),
        Col(_("building number"), dwelling_attr("building")),
        Col(verbose(Dwelling, "entrance"), dwelling_attr("entrance"), INTEGER),
        Col(verbose(Dwelling, "room"), dwelling_attr("room")),
    ]


PERSON_FIELDS = [
    *place_fields("household__"),
    "name",
    "id_number",
    "sex",
    "birth_date",
    "relationship",
    "phone",
]


def person_cols(ctx: ReportContext) -> list[Col]:
    today, sex, relationship = ctx.today, choice(Person, "sex"), choice(Person, "relationship")
    return [
        *place_cols("household__"),
        Col(verbose(Person, "name"), key("name")),
        Col(verbose(Person, "id_number"), lambda r: ctx.id_number(r["id_number"])),
        Col(verbose(Person, "sex"), lambda r: sex(r["sex"])),
        Col(verbose(Person, "birth_date"), key("birth_date"), DATE),
        Col(_("age"), lambda r: age_on(r["birth_date"], today), INTEGER),
        Col(verbose(Person, "relationship"), lambda r: relationship(r["relationship"])),
        Col(verbose(Person, "phone"), lambda r: ctx.phone(r["phone"])),
    ]


def origin_fields(prefix: str) -> list[str]:
    return [
        f"{prefix}origin_town",
        f"{prefix}origin_village",
        f"{prefix}relocation_mode",
        f"{prefix}move_in_date",
        f"{prefix}poverty_status",
    ]


def origin_cols(prefix: str) -> list[Col]:
    town, village, mode, move_in, poverty = origin_fields(prefix)
    mode_label = choice(Household, "relocation_mode")
    poverty_label = choice(Household, "poverty_status")
    return [
        Col(verbose(Household, "origin_town"), key(town)),
        Col(verbose(Household, "origin_village"), key(village)),
        Col(verbose(Household, "relocation_mode"), lambda r: mode_label(r[mode])),
        Col(verbose(Household, "move_in_date"), key(move_in), DATE),
        Col(verbose(Household, "poverty_status"), lambda r: poverty_label(r[poverty])),
    ]


HOUSEHOLD_FIELDS = [
    *place_fields(""),
    "dwelling__area",
    "phone",
    *origin_fields(""),
]


def members() -> Related:
    """A household's members in the household (head first), for its head and member count."""
    return Related(
        "members",
        Person.objects.filter(is_active=True),
        "household_id",
        ("relationship", "name", "id_number", "phone"),
        order=("relationship", "birth_date", "pk"),
    )


def _head(row):
    for member in row["members"]:
        if member["relationship"] == Relationship.HEAD:
            return member
    return None


def household_cols(ctx: ReportContext) -> list[Col]:
    """Columns of a household row streamed with ``HOUSEHOLD_FIELDS`` and ``members()``."""

    def head_attr(get):
        def value(row):
            head = _head(row)
            return get(head) if head is not None else ""

        return value

    head_phone = head_attr(lambda p: p["phone"])
    return [
        *place_cols(""),
        Col(verbose(Dwelling, "area"), key("dwelling__area"), DECIMAL),
        Col(_("head of household"), head_attr(lambda p: p["name"])),
        Col(_("head's ID number"), head_attr(lambda p: ctx.id_number(p["id_number"]))),
        Col(_("members"), lambda r: len(r["members"]), INTEGER),
        Col(_("contact phone"), lambda r: ctx.phone(r["phone"] or head_phone(r))),
        *origin_cols(""),
    ]


def household_rows(ctx: ReportContext, qs):
    return lambda: stream(qs, HOUSEHOLD_FIELDS, members())


def _get(name: str):
    """The accessor of ``"related.field"``: a field of a ``first=True`` related record (None
    without one)."""
    head, field = name.split(".")

    def value(row):
        rec = row[head]
        return None if rec is None else rec[field]

    return value


def _shown(name: str, show):
    get = _get(name)

    def value(row):
        v = get(row)
        return "" if v is None else show(v)

    return value


def _attr(obj, name, display=False):
    """A model instance's field (its choice label with ``display``); None without an object."""
    if obj is None:
        return None
    return label(obj, name) if display else getattr(obj, name)


def _local(value):
    return timezone.localtime(value) if isinstance(value, datetime.datetime) else value


def _rate(part: int, whole: int):
    """A percentage with two decimals (None without a denominator)."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.01"))


# --- per-building figures (the roster's summary and the follow-up indicators) ----------------


def _grouped(qs, path: str) -> dict:
    return dict(qs.order_by().values_list(path).annotate(n=Count("pk", distinct=True)))


def building_figures(ctx: ReportContext) -> tuple[list, dict]:
    """``(buildings, {building_id: {figure: n}})``: one grouped query per figure, the
    key None for households without a dwelling. Laborers and employment use the
    zero-employment rule's definitions (``labourer_q``, ``employed_q``)."""
    today = ctx.today
    buildings = Building.objects.order_by("code")
    if ctx.building:
        buildings = buildings.filter(code=ctx.building)
    buildings = list(buildings)
    people = people_qs(ctx)
    households = households_qs(ctx)
    person_path, household_path = "household__dwelling__building", "dwelling__building"
    labourers = people.filter(labourer_q(today))
    labour_of_household = Person.objects.filter(household=OuterRef("pk"), is_active=True).filter(
        labourer_q(today)
    )
    figures = {
        "households": _grouped(households, household_path),
        "people": _grouped(people, person_path),
        "labourers": _grouped(labourers, person_path),
        "employed": _grouped(labourers.filter(employed_q(today)), person_path),
        "labour_households": _grouped(
            households.filter(Exists(labour_of_household)), household_path
        ),
        "labour_households_employed": _grouped(
            households.filter(Exists(labour_of_household.filter(employed_q(today)))),
            household_path,
        ),
    }
    table: dict = defaultdict(dict)
    for name, counts in figures.items():
        for building_id, n in counts.items():
            table[building_id][name] = n
    return buildings, table


def failing_by_building(rules, today) -> dict:
    """``{building_id: {rule code: failing}}`` from the rules' counts kept per building (the
    dashboards' and the overview's figures, equal to ``rule.failing(today)`` counted by
    building; brought up to date first, counted in full only when not yet counted today)."""
    return rule_figures(rules=rules, today=today, by_building=True).by_building


def _building_rows(buildings, table):
    rows = [(b.code, b.pk) for b in buildings]
    if None in table:
        rows.append((str(NO_DWELLING), None))
    return rows


def roster_summary_sheet(ctx: ReportContext) -> Sheet:
    buildings, table = building_figures(ctx)
    rules = list(RULE_LIST)
    failing = failing_by_building(rules, ctx.today)
    scoped = {b.pk for b in buildings} | {None}
    for building_id, counts in failing.items():
        if building_id in scoped:
            for code, n in counts.items():
                table[building_id]["rule:" + code] = n

    def fig(name):
        return lambda row: table.get(row[1], {}).get(name, 0)

    columns = [
        Col(_("building number"), lambda row: row[0]),
        Col(pgettext_lazy("count", "households"), fig("households"), INTEGER),
        Col(pgettext_lazy("count", "people"), fig("people"), INTEGER),
        Col(_("laborers"), fig("labourers"), INTEGER),
        Col(_("laborers employed"), fig("employed"), INTEGER),
        *[Col(rule.title, fig("rule:" + rule.code), INTEGER) for rule in rules],
    ]
    rows = _building_rows(buildings, table)
    return Sheet(
        pgettext_lazy("sheet", "Buildings"), columns, lambda: rows, lambda: len(rows), totals="sum"
    )


# --- the reports -------------------------------------------------------------------------------


def roster_sheets(ctx: ReportContext) -> list[Sheet]:
    households = households_qs(ctx)
    people = people_qs(ctx)
    labels = {
        name: choice(Person, name)
        for name in (
            "education",
            "school_status",
            "health",
            "labour_capacity",
            "training_willingness",
            "hukou_status",
        )
    }

    def shown(name):
        show = labels[name]
        return lambda p: show(p[name])

    person_details = [
        Col(verbose(Person, "ethnicity"), key("ethnicity")),
        Col(verbose(Person, "education"), shown("education")),
        Col(verbose(Person, "school_status"), shown("school_status")),
        Col(verbose(Person, "health"), shown("health")),
        Col(
            verbose(Person, "disability_certificate"),
            lambda p: ctx.certificate(p["disability_certificate"]),
        ),
        Col(verbose(Person, "labour_capacity"), shown("labour_capacity")),
        Col(verbose(Person, "training_willingness"), shown("training_willingness")),
        Col(verbose(Person, "hukou_status"), shown("hukou_status")),
        # "household phone", not the person sheet's second 联系电话: the sheet imports back
        # as a roster (households.imports), where 电话/联系电话 is the person's.
        Col(_("household phone"), lambda p: ctx.phone(p["household__phone"])),
        *origin_cols("household__"),
    ]
    person_fields = [
        *PERSON_FIELDS,
        "ethnicity",
        *labels,
        "disability_certificate",
        "household__phone",
        *origin_fields("household__"),
    ]
    return [
        Sheet(
            pgettext_lazy("sheet", "Households"),
            household_cols(ctx),
            household_rows(ctx, households),
            households.count,
        ),
        Sheet(
            pgettext_lazy("sheet", "People"),
            person_cols(ctx) + person_details,
            lambda: stream(people, person_fields),
            people.count,
        ),
        roster_summary_sheet(ctx),
    ]


def hukou_sheets(ctx: ReportContext) -> list[Sheet]:
    qs = people_qs(ctx)
    migrations = Related(
        "migration",
        HukouMigration.objects.all(),
        "person_id",
        ("status", "applied_on", "completed_on"),
        order=("-pk",),
        first=True,
    )
    permits = Related(
        "permit",
        ResidencePermit.objects.all(),
        "person_id",
        ("number", "issued_on", "valid_until", "last_endorsed_on"),
        order=("-valid_until", "-pk"),
        first=True,
    )
    hukou = choice(Person, "hukou_status")

    def overdue(p):
        latest = p["permit"]
        return "" if latest is None else yes_no(latest["valid_until"] < ctx.today)

    columns = [
        *person_cols(ctx),
        Col(verbose(Person, "hukou_status"), lambda p: hukou(p["hukou_status"])),
        Col(_("migration"), _shown("migration.status", choice(HukouMigration, "status"))),
        Col(verbose(HukouMigration, "applied_on"), _get("migration.applied_on"), DATE),
        Col(verbose(HukouMigration, "completed_on"), _get("migration.completed_on"), DATE),
        Col(verbose(ResidencePermit, "number"), _get("permit.number")),
        Col(verbose(ResidencePermit, "issued_on"), _get("permit.issued_on"), DATE),
        Col(_("next endorsement due"), _get("permit.valid_until"), DATE),
        Col(verbose(ResidencePermit, "last_endorsed_on"), _get("permit.last_endorsed_on"), DATE),
        Col(_("endorsement overdue"), overdue),
    ]
    fields = [*PERSON_FIELDS, "hukou_status"]
    return [
        Sheet(
            pgettext_lazy("sheet", "Hukou"),
            columns,
            lambda: stream(qs, fields, migrations, permits),
            qs.count,
        )
    ]


def medical_sheets(ctx: ReportContext) -> list[Sheet]:
    year = int(ctx.params.get("year") or ctx.today.year)
    # The household's latest family-planning record, in the people query itself (the rows
    # are in person order, so a list merged by household would not line up).
    plans = FamilyPlanningRecord.objects.filter(household=OuterRef("household_id")).order_by(
        "-checked_on", "-pk"
    )
    qs = people_qs(ctx).annotate(
        plan_status=Subquery(plans.values("status")[:1]),
        plan_kept_at=Subquery(plans.values("kept_at")[:1]),
        plan_checked_on=Subquery(plans.values("checked_on")[:1]),
    )
    insurance = Related(
        "insurance",
        MedicalInsurance.objects.filter(year=year),
        "person_id",
        ("place", "transfer_done"),
        order=("-pk",),
        first=True,
    )
    plan_status = choice(FamilyPlanningRecord, "status")
    kept_at = choice(FamilyPlanningRecord, "kept_at")
    transfer = _get("insurance.transfer_done")

    columns = [
        *person_cols(ctx),
        Col(
            _("insured in %(year)s") % {"year": year},
            lambda p: yes_no(p["insurance"] is not None),
        ),
        Col(
            verbose(MedicalInsurance, "place"),
            _shown("insurance.place", choice(MedicalInsurance, "place")),
        ),
        Col(verbose(MedicalInsurance, "transfer_done"), lambda p: yes_no(transfer(p))),
        Col(_("family-planning archive"), lambda p: plan_status(p["plan_status"])),
        Col(verbose(FamilyPlanningRecord, "kept_at"), lambda p: kept_at(p["plan_kept_at"])),
        Col(verbose(FamilyPlanningRecord, "checked_on"), key("plan_checked_on"), DATE),
    ]
    fields = [*PERSON_FIELDS, "plan_status", "plan_kept_at", "plan_checked_on"]
    return [
        Sheet(
            pgettext_lazy("sheet", "Medical insurance"),
            columns,
            lambda: stream(qs, fields, insurance),
            qs.count,
        )
    ]


def education_sheets(ctx: ReportContext) -> list[Sheet]:
    earliest, latest = birth_date_bounds_for_age(3, 18, ctx.today)
    qs = people_qs(ctx).filter(birth_date__gte=earliest, birth_date__lte=latest)
    enrolments = Related(
        "enrolments",
        SchoolEnrolment.objects.all(),
        "person_id",
        ("status", "school", "grade", "started_on", "reason", "escalated_at"),
        order=("-started_on", "-pk"),
    )
    refused = (SchoolEnrolment.Status.REFUSED, SchoolEnrolment.Status.WAITING)
    school_status = choice(Person, "school_status")
    status = choice(SchoolEnrolment, "status")

    def current(name, show=None):
        def value(p):
            items = p["enrolments"]
            if not items:
                return "" if show else None
            return show(items[0][name]) if show else items[0][name]

        return value

    def refusals(p):
        return [e for e in p["enrolments"] if e["status"] in refused]

    def refusal(name):
        def value(p):
            items = refusals(p)
            return _local(items[0][name]) if items else None

        return value

    columns = [
        *person_cols(ctx),
        Col(verbose(Person, "school_status"), lambda p: school_status(p["school_status"])),
        Col(verbose(SchoolEnrolment, "school"), current("school")),
        Col(verbose(SchoolEnrolment, "grade"), current("grade")),
        Col(_("enrolment state"), current("status", status)),
        Col(verbose(SchoolEnrolment, "started_on"), current("started_on"), DATE),
        Col(_("refusals or waits"), lambda p: len(refusals(p)), INTEGER),
        Col(_("latest refusal reason"), refusal("reason")),
        Col(verbose(SchoolEnrolment, "escalated_at"), refusal("escalated_at"), DATE),
    ]
    fields = [*PERSON_FIELDS, "school_status"]
    return [
        Sheet(
            pgettext_lazy("sheet", "Children 3–18"),
            columns,
            lambda: stream(qs, fields, enrolments),
            qs.count,
        )
    ]


def employment_sheets(ctx: ReportContext) -> list[Sheet]:
    today = ctx.today
    qs = people_qs(ctx).filter(labourer_q(today))
    trainings = Related(
        "trainings",
        Training.objects.all(),
        "person_id",
        ("course", "started_on"),
        order=("-started_on", "-pk"),
    )
    jobs = Related(
        "job",
        Employment.objects.filter(
            Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        ),
        "person_id",
        ("kind", "employer", "started_on", "monthly_income"),
        order=("-started_on", "-pk"),
        first=True,
    )
    zero = RULES["zero-employment"]
    zero_ids = frozenset(zero.failing(today).values_list("pk", flat=True))
    capacity = choice(Person, "labour_capacity")
    willingness = choice(Person, "training_willingness")

    def training(name):
        def value(p):
            items = p["trainings"]
            return items[0][name] if items else None

        return value

    columns = [
        *person_cols(ctx),
        Col(verbose(Person, "labour_capacity"), lambda p: capacity(p["labour_capacity"])),
        Col(
            verbose(Person, "training_willingness"),
            lambda p: willingness(p["training_willingness"]),
        ),
        Col(_("trainings"), lambda p: len(p["trainings"]), INTEGER),
        Col(_("latest course"), training("course")),
        Col(_("latest training from"), training("started_on"), DATE),
        Col(_("employed"), lambda p: yes_no(p["job"] is not None)),
        Col(_("kind of employment"), _shown("job.kind", choice(Employment, "kind"))),
        Col(verbose(Employment, "employer"), _get("job.employer")),
        Col(_("employed since"), _get("job.started_on"), DATE),
        Col(_("monthly income (yuan)"), _get("job.monthly_income"), MONEY),
        Col(
            _("zero-employment household"),
            lambda p: yes_no(p["household_id"] in zero_ids),
        ),
    ]
    fields = [*PERSON_FIELDS, "labour_capacity", "training_willingness", "household_id"]
    return [
        Sheet(
            pgettext_lazy("sheet", "Laborers"),
            columns,
            lambda: stream(qs, fields, trainings, jobs),
            qs.count,
        )
    ]


def welfare_sheets(ctx: ReportContext) -> list[Sheet]:
    allowances = Allowance.objects.filter(household__in=households_for_user(ctx.user))
    allowances = allowances.filter(household_q(ctx, "household__"))
    kind = choice(Allowance, "kind")

    def current(a):
        return a["started_on"] <= ctx.today and (
            a["ended_on"] is None or a["ended_on"] >= ctx.today
        )

    def converted_kind(a):
        return kind(a["converted_from__kind"]) if a["converted_from__kind"] else None

    allowance_cols = [
        *place_cols("household__"),
        Col(verbose(Person, "name"), lambda a: a["person__name"] or ""),
        Col(verbose(Person, "id_number"), lambda a: ctx.id_number(a["person__id_number"])),
        Col(verbose(Allowance, "kind"), lambda a: kind(a["kind"])),
        Col(verbose(Allowance, "started_on"), key("started_on"), DATE),
        Col(verbose(Allowance, "ended_on"), key("ended_on"), DATE),
        Col(_("in force"), lambda a: yes_no(current(a))),
        Col(verbose(Allowance, "monthly_amount"), key("monthly_amount"), MONEY),
        Col(_("converted from"), converted_kind),
        Col(_("converted from, started on"), key("converted_from__started_on"), DATE),
    ]
    allowance_fields = [
        *place_fields("household__"),
        "person__name",
        "person__id_number",
        "kind",
        "started_on",
        "ended_on",
        "monthly_amount",
        "converted_from__kind",
        "converted_from__started_on",
    ]
    adults_from, adults_to = birth_date_bounds_for_age(config("PENSION_MIN_AGE"), 150, ctx.today)
    people = people_qs(ctx).filter(
        Q(birth_date__gte=adults_from, birth_date__lte=adults_to) | ~Q(disability_certificate="")
    )
    pensions = Related(
        "pension",
        PensionEnrolment.objects.all(),
        "person_id",
        ("scheme", "place", "enrolled_on", "ended_on"),
        order=("-enrolled_on", "-pk"),
        first=True,
    )
    disability = Related(
        "disability",
        Allowance.objects.filter(kind=Allowance.Kind.DISABILITY),
        "person_id",
        ("monthly_amount",),
        order=("-started_on", "-pk"),
        first=True,
    )
    people_cols = [
        *person_cols(ctx),
        Col(_("pension scheme"), _shown("pension.scheme", choice(PensionEnrolment, "scheme"))),
        Col(
            verbose(PensionEnrolment, "place"),
            _shown("pension.place", choice(PensionEnrolment, "place")),
        ),
        Col(verbose(PensionEnrolment, "enrolled_on"), _get("pension.enrolled_on"), DATE),
        Col(verbose(PensionEnrolment, "ended_on"), _get("pension.ended_on"), DATE),
        Col(
            verbose(Person, "disability_certificate"),
            lambda p: ctx.certificate(p["disability_certificate"]),
        ),
        Col(
            _("disability assistance (yuan a month)"),
            _get("disability.monthly_amount"),
            MONEY,
        ),
    ]
    people_fields = [*PERSON_FIELDS, "disability_certificate"]
    return [
        Sheet(
            pgettext_lazy("sheet", "Allowances"),
            allowance_cols,
            lambda: stream(allowances, allowance_fields),
            allowances.count,
        ),
        Sheet(
            pgettext_lazy("sheet", "Pensions and disability"),
            people_cols,
            lambda: stream(people, people_fields, pensions, disability),
            people.count,
        ),
    ]


def land_sheets(ctx: ReportContext) -> list[Sheet]:
    holdings = LandHolding.objects.filter(household__in=households_for_user(ctx.user))
    holdings = holdings.filter(household_q(ctx, "household__"))
    events = LandRightEvent.objects.filter(holding__in=holdings)
    holding_kind = choice(LandHolding, "kind")
    event_kind = choice(LandRightEvent, "kind")
    holding_cols = [
        *place_cols("household__"),
        Col(verbose(LandHolding, "kind"), lambda h: holding_kind(h["kind"])),
        Col(verbose(LandHolding, "location"), key("location")),
        Col(verbose(LandHolding, "area_mu"), key("area_mu"), DECIMAL),
        Col(verbose(LandHolding, "contract_number"), key("contract_number")),
    ]
    holding_fields = [
        *place_fields("household__"),
        "kind",
        "location",
        "area_mu",
        "contract_number",
    ]
    event_cols = [
        *place_cols("holding__household__"),
        Col(verbose(LandHolding, "kind"), lambda e: holding_kind(e["holding__kind"])),
        Col(verbose(LandHolding, "location"), key("holding__location")),
        Col(verbose(LandRightEvent, "kind"), lambda e: event_kind(e["kind"])),
        Col(verbose(LandRightEvent, "happened_on"), key("happened_on"), DATE),
        Col(verbose(LandRightEvent, "counterparty"), key("counterparty")),
        Col(verbose(LandRightEvent, "income"), key("income"), MONEY),
        Col(verbose(LandRightEvent, "notice_given_on"), key("notice_given_on"), DATE),
    ]
    event_fields = [
        *place_fields("holding__household__"),
        "holding__kind",
        "holding__location",
        "kind",
        "happened_on",
        "counterparty",
        "income",
        "notice_given_on",
    ]
    return [
        Sheet(
            pgettext_lazy("sheet", "Land and forest"),
            holding_cols,
            lambda: stream(holdings, holding_fields),
            holdings.count,
            totals="sum",
        ),
        Sheet(
            pgettext_lazy("sheet", "Events"),
            event_cols,
            lambda: stream(events, event_fields),
            events.count,
        ),
    ]


def _period(ctx: ReportContext):
    tz = timezone.get_current_timezone()
    since = ctx.params.get("since")
    until = ctx.params.get("until")
    start = end = None
    if since:
        day = datetime.date.fromisoformat(str(since))
        start = datetime.datetime.combine(day, datetime.time.min, tz)
    if until:
        day = datetime.date.fromisoformat(str(until)) + datetime.timedelta(days=1)
        end = datetime.datetime.combine(day, datetime.time.min, tz)
    return start, end


def requests_sheets(ctx: ReportContext) -> list[Sheet]:
    now = timezone.now()
    start, end = _period(ctx)
    qs = requests_for_user(ctx.user)
    if start:
        qs = qs.filter(filed_at__gte=start)
    if end:
        qs = qs.filter(filed_at__lt=end)
    if ctx.building:
        qs = qs.filter(building__code=ctx.building)
    qs = qs.annotate(late=ExpressionWrapper(Q(overdue_q(now)), output_field=BooleanField()))
    category = choice(ResidentRequest, "category")
    urgency = choice(ResidentRequest, "urgency")
    state = choice(ResidentRequest, "state")
    satisfaction = choice(ResidentRequest, "satisfaction")

    def local(name):
        return lambda r: _local(r[name])

    columns = [
        Col(_("request number"), key("pk"), INTEGER),
        Col(verbose(ResidentRequest, "filed_at"), local("filed_at"), DATE),
        Col(_("building number"), lambda r: r["building__code"] or ""),
        Col(verbose(Household, "number"), lambda r: r["household__number"] or ""),
        Col(verbose(ResidentRequest, "category"), lambda r: category(r["category"])),
        Col(verbose(ResidentRequest, "urgency"), lambda r: urgency(r["urgency"])),
        Col(_("responsible unit"), lambda r: r["unit__name"] or ""),
        Col(verbose(ResidentRequest, "deadline"), local("deadline"), DATE),
        Col(verbose(ResidentRequest, "resolved_at"), local("resolved_at"), DATE),
        Col(_("on time"), lambda r: yes_no(not r["late"])),
        Col(verbose(ResidentRequest, "state"), lambda r: state(r["state"])),
        Col(verbose(ResidentRequest, "satisfaction"), lambda r: satisfaction(r["satisfaction"])),
    ]
    fields = [
        "filed_at",
        "building__code",
        "household__number",
        "category",
        "urgency",
        "unit__name",
        "deadline",
        "resolved_at",
        "late",
        "state",
        "satisfaction",
    ]
    units = None
    if not sees_all_requests(ctx.user):
        units = [ctx.unit.pk] if ctx.unit is not None else []
    figures = request_figures_by_unit(since=start, until=end, units=units, now=now)
    total = request_figures_total(figures)

    def pct(value):
        return None if value is None else Decimal(str(round(100 * value, 2)))

    figure_cols = [
        Col(_("responsible unit"), lambda f: f.get("unit_name", _g("Total"))),
        Col(_("received"), lambda f: f["received"], INTEGER),
        Col(_("open"), lambda f: f["open"], INTEGER),
        Col(_("resolved"), lambda f: f["resolved"], INTEGER),
        Col(_("resolved on time"), lambda f: f["resolved_on_time"], INTEGER),
        Col(_("overdue"), lambda f: f["overdue"], INTEGER),
        Col(_("open past the deadline"), lambda f: f["open_overdue"], INTEGER),
        Col(_("on-time rate (%)"), lambda f: pct(f["on_time_rate"]), DECIMAL),
        Col(_("verdicts"), lambda f: f["verdicts"], INTEGER),
        Col(
            _("satisfaction rate (%)"),
            lambda f: (
                None if f["satisfaction_rate"] is None else Decimal(str(f["satisfaction_rate"]))
            ),
            DECIMAL,
        ),
        Col(
            _("satisfaction score"),
            lambda f: (
                None
                if f["satisfaction_score"] is None
                else Decimal(str(round(f["satisfaction_score"], 2)))
            ),
            DECIMAL,
        ),
    ]
    return [
        Sheet(
            pgettext_lazy("sheet", "Requests"),
            columns,
            lambda: stream(qs, fields),
            qs.count,
        ),
        Sheet(
            pgettext_lazy("sheet", "Figures by unit"),
            figure_cols,
            lambda: figures,
            lambda: len(figures),
            totals=lambda: [c.accessor(total) for c in figure_cols],
        ),
    ]


def followup_sheets(ctx: ReportContext) -> list[Sheet]:
    today = ctx.today
    buildings, table = building_figures(ctx)
    rules = [RULES["school-not-enrolled"], RULES["medical-insurance-missing"]]
    failing = failing_by_building(rules, today)
    people = people_for_user(ctx.user).filter(is_active=True, household__is_active=True)
    households = households_for_user(ctx.user).filter(is_active=True)
    dwellings = Dwelling.objects.all()
    if ctx.building:
        people = people.filter(household__dwelling__building__code=ctx.building)
        households = households.filter(dwelling__building__code=ctx.building)
        dwellings = dwellings.filter(building__code=ctx.building)
    earliest, latest = birth_date_bounds_for_age(*config("SCHOOL_AGE"), today)
    school_age = _grouped(
        people.filter(birth_date__gte=earliest, birth_date__lte=latest),
        "household__dwelling__building",
    )
    titled = _grouped(dwellings.filter(title_state=Dwelling.TitleState.REGISTERED), "building")
    incomes = HouseholdIncome.objects.filter(household__in=households)
    years = sorted(set(incomes.values_list("year", flat=True).distinct()))[-3:]
    income_rows = (
        incomes.filter(year__in=years)
        .order_by()
        .values_list("household__dwelling__building", "year")
        .annotate(avg=Avg("per_capita_net_income"))
    )
    site_income = dict(
        incomes.filter(year__in=years)
        .order_by()
        .values_list("year")
        .annotate(avg=Avg("per_capita_net_income"))
    )
    for building_id, n in school_age.items():
        table[building_id]["school_age"] = n
    for building_id, n in titled.items():
        table[building_id]["titled"] = n
    for building_id, year, avg in income_rows:
        table[building_id][f"income:{year}"] = avg
    for building_id, counts in failing.items():
        for code, n in counts.items():
            table[building_id]["rule:" + code] = n
    site = defaultdict(int)
    for building_id, figures in table.items():
        if building_id is None or building_id in {b.pk for b in buildings}:
            for name, n in figures.items():
                if not name.startswith("income:"):
                    site[name] += n
    for year, avg in site_income.items():
        site[f"income:{year}"] = avg

    def derived(f: dict) -> dict:
        f = dict(f)
        f["enrolled"] = f.get("school_age", 0) - f.get("rule:school-not-enrolled", 0)
        f["insured"] = f.get("people", 0) - f.get("rule:medical-insurance-missing", 0)
        return f

    def value(name):
        return lambda f: f.get(name, 0)

    def money(name):
        return lambda f: f.get(name)

    columns = [
        Col(_("building number"), lambda f: f["label"]),
        Col(_("relocated households"), value("households"), INTEGER),
        Col(_("relocated people"), value("people"), INTEGER),
        Col(_("laborers"), value("labourers"), INTEGER),
        Col(_("laborers employed"), value("employed"), INTEGER),
        Col(
            _("employment rate (%)"),
            lambda f: _rate(f.get("employed", 0), f.get("labourers", 0)),
            DECIMAL,
        ),
        Col(_("labour households"), value("labour_households"), INTEGER),
        Col(
            _("labour households with someone employed"),
            value("labour_households_employed"),
            INTEGER,
        ),
        Col(
            _("share of labour households with someone employed (%)"),
            lambda f: _rate(f.get("labour_households_employed", 0), f.get("labour_households", 0)),
            DECIMAL,
        ),
        *[
            Col(
                _("per-capita net income %(year)s (yuan)") % {"year": year},
                money(f"income:{year}"),
                MONEY,
            )
            for year in years
        ],
        Col(_("dwellings with title registered"), value("titled"), INTEGER),
        Col(_("school-age children"), value("school_age"), INTEGER),
        Col(_("school-age children enrolled"), value("enrolled"), INTEGER),
        Col(_("people insured this year"), value("insured"), INTEGER),
    ]
    rows = [
        derived({**table.get(pk, {}), "label": code})
        for code, pk in _building_rows(buildings, table)
    ]
    site_row = derived({**site, "label": _g("Whole site")})
    return [
        Sheet(
            pgettext_lazy("sheet", "Follow-up indicators"),
            columns,
            lambda: rows,
            lambda: len(rows),
            totals=lambda: [c.accessor(site_row) for c in columns],
        )
    ]


def _inspection_sheets(rule, ctx: ReportContext) -> list[Sheet]:
    """An inspection rule's failing list (the rectifications overdue), as its rule page
    shows it: every unit's inspections, to the units the rule names."""
    qs = rule.failing(ctx.today)
    if ctx.building:
        qs = qs.filter(building__code=ctx.building)
    columns = [
        Col(verbose(FireInspection, "building"), lambda i: i["building__code"] or ""),
        Col(verbose(FireInspection, "premises"), key("premises")),
        Col(verbose(FireInspection, "unit"), key("unit__name")),
        Col(verbose(FireInspection, "inspected_on"), key("inspected_on"), DATE),
        Col(verbose(FireInspection, "findings"), key("findings")),
        Col(
            verbose(FireInspection, "rectification_deadline"),
            key("rectification_deadline"),
            DATE,
        ),
        Col(
            _("days overdue"),
            lambda i: (ctx.today - i["rectification_deadline"]).days,
            INTEGER,
        ),
    ]
    fields = [
        "building__code",
        "premises",
        "unit__name",
        "inspected_on",
        "findings",
        "rectification_deadline",
    ]
    rows = lambda: stream(qs, fields, order=("rectification_deadline", "pk"))  # noqa: E731
    return [Sheet(rule.title, columns, rows, qs.count)]


def rule_sheets(rule):
    def sheets(ctx: ReportContext) -> list[Sheet]:
        if rule.subject == INSPECTION:
            return _inspection_sheets(rule, ctx)
        qs = rule.failing(ctx.today).filter(
            **(
                {"household__in": households_for_user(ctx.user)}
                if rule.subject == PERSON
                else {"pk__in": households_for_user(ctx.user)}
            )
        )
        if rule.subject == PERSON:
            qs = qs.filter(household_q(ctx, "household__"))
            capacity = choice(Person, "labour_capacity")
            columns = [
                *person_cols(ctx),
                Col(_("household phone"), lambda p: ctx.phone(p["household__phone"])),
                Col(verbose(Person, "labour_capacity"), lambda p: capacity(p["labour_capacity"])),
                Col(verbose(Household, "move_in_date"), key("household__move_in_date"), DATE),
            ]
            fields = [
                *PERSON_FIELDS,
                "household__phone",
                "labour_capacity",
                "household__move_in_date",
            ]
            rows = lambda: stream(qs, fields)  # noqa: E731
        else:
            qs = qs.filter(household_q(ctx))
            columns = household_cols(ctx)
            rows = household_rows(ctx, qs)
        return [Sheet(rule.title, columns, rows, qs.count)]

    return sheets


def _who(user) -> str:
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return getattr(profile, "display_name", "") or user.get_username()


def _case_head(case):
    heads = case.household.heads
    return heads[0] if heads else None


def _deadline_state(case, ctx: ReportContext, near_ids) -> str:
    """The 15-day rule of one case: decided in time or late, or (still open) within,
    nearing or past the limit; empty for a lead closed or ended before the county."""
    decision = case.step_map.get(Step.COUNTY_DECISION)
    if decision is not None:
        return _g("decided in time") if decision.done_on <= case.deadline() else _g("decided late")
    if is_overdue(case, ctx.today):
        return _g("past the limit")
    if case.pk in near_ids:
        return _g("nearing the limit")
    if case.status == CaseStatus.OPEN:
        return _g("within the limit")
    return ""


def _measure_state(measure, today) -> str:
    if measure.done_on is not None:
        return _g("measure done")
    return _g("measure late") if measure.is_late(today) else _g("measure under way")


def monitoring_sheets(ctx: ReportContext) -> list[Sheet]:
    """The monitored households (one row per case, each step with its date and who), the
    steps, the help measures, and a notice-style sheet that carries only what the public
    notice shows (household number, head's name, category, risk types, notice dates)."""
    base = cases_filtered(case_list_for_user(ctx.user), params=ctx.params, today=ctx.today)
    steps = CaseStep.objects.select_related("actor__profile").order_by("done_on", "pk")
    cases = base.select_related("clears").prefetch_related(
        Prefetch("steps", queryset=steps, to_attr="step_list"),
        Prefetch("measures", queryset=HelpMeasure.objects.select_related("unit")),
    )
    near_ids = frozenset(base.filter(flagged_q(ctx.today)).order_by().values_list("pk", flat=True))

    def rows():
        for case in batched(cases):
            case.step_map = {s.step: s for s in case.step_list}
            yield case

    def step_cols(step):
        def done(c):
            s = c.step_map.get(step)
            return s.done_on if s is not None else None

        def who(c):
            s = c.step_map.get(step)
            return _who(s.actor) if s is not None else ""

        title = Step(step).label
        return [
            Col(_("%(step)s: date") % {"step": title}, done, DATE),
            Col(_("%(step)s: by") % {"step": title}, who),
        ]

    def notice_until(c):
        s = c.step_map.get(Step.NOTICE)
        return s.notice_until if s is not None else None

    def head_attr(get):
        def value(c):
            head = _case_head(c)
            return get(head) if head is not None else ""

        return value

    case_cols = [
        *instance_place_cols(lambda c: c.household),
        Col(_("head of household"), head_attr(lambda p: p.name)),
        Col(_("head's ID number"), head_attr(lambda p: ctx.id_number(p.id_number))),
        Col(verbose(MonitoringCase, "purpose"), lambda c: label(c, "purpose")),
        Col(verbose(MonitoringCase, "source"), lambda c: label(c, "source")),
        Col(verbose(MonitoringCase, "alert_kind"), lambda c: label(c, "alert_kind")),
        Col(verbose(MonitoringCase, "fact"), lambda c: c.fact),
        Col(verbose(MonitoringCase, "lead_on"), lambda c: c.lead_on, DATE),
        Col(_("county decision due by"), lambda c: c.deadline(), DATE),
        Col(_("days since the lead"), lambda c: (ctx.today - c.lead_on).days, INTEGER),
        Col(_("15-day limit"), lambda c: _deadline_state(c, ctx, near_ids)),
        Col(verbose(MonitoringCase, "status"), lambda c: label(c, "status")),
        Col(_("income over the 12 months before the lead (yuan)"), lambda c: c.income_12m, MONEY),
        Col(verbose(MonitoringCase, "category"), lambda c: label(c, "category")),
        Col(verbose(MonitoringCase, "risk_types"), lambda c: c.get_risk_types_display()),
        Col(verbose(MonitoringCase, "risk_level"), lambda c: label(c, "risk_level")),
        Col(verbose(MonitoringCase, "risk_reason"), lambda c: c.risk_reason),
        Col(verbose(MonitoringCase, "risk_set_on"), lambda c: c.risk_set_on, DATE),
        *[col for step in STEP_ORDER for col in step_cols(step)],
        Col(verbose(CaseStep, "notice_until"), notice_until, DATE),
        Col(verbose(MonitoringCase, "decided_on"), lambda c: c.decided_on, DATE),
        Col(
            _("lead date of the identification cleared"),
            lambda c: _attr(c.clears, "lead_on"),
            DATE,
        ),
        Col(_("number of help measures"), lambda c: len(c.measures.all()), INTEGER),
        Col(
            _("help measures not done"),
            lambda c: sum(1 for m in c.measures.all() if m.done_on is None),
            INTEGER,
        ),
    ]

    scoped = base.order_by().values("pk")
    step_rows = (
        CaseStep.objects.filter(case__in=scoped)
        .select_related("case__household__dwelling__building", "actor__profile")
        .order_by("case_id", "done_on", "pk")
    )
    step_sheet_cols = [
        *instance_place_cols(lambda s: s.case.household),
        Col(verbose(MonitoringCase, "purpose"), lambda s: label(s.case, "purpose")),
        Col(verbose(MonitoringCase, "lead_on"), lambda s: s.case.lead_on, DATE),
        Col(verbose(CaseStep, "step"), lambda s: label(s, "step")),
        Col(verbose(CaseStep, "done_on"), lambda s: s.done_on, DATE),
        Col(verbose(CaseStep, "approved"), lambda s: yes_no(s.approved)),
        Col(verbose(CaseStep, "actor"), lambda s: _who(s.actor)),
        Col(verbose(CaseStep, "notice_until"), lambda s: s.notice_until, DATE),
        Col(verbose(CaseStep, "note"), lambda s: s.note),
    ]
    measures = HelpMeasure.objects.filter(case__in=scoped).select_related(
        "case__household__dwelling__building", "unit"
    )
    measure_cols = [
        *instance_place_cols(lambda m: m.case.household),
        Col(verbose(MonitoringCase, "lead_on"), lambda m: m.case.lead_on, DATE),
        Col(verbose(HelpMeasure, "kind"), lambda m: label(m, "kind")),
        Col(verbose(HelpMeasure, "description"), lambda m: m.description),
        Col(verbose(HelpMeasure, "unit"), lambda m: m.unit.name),
        Col(verbose(HelpMeasure, "deadline"), lambda m: m.deadline, DATE),
        Col(verbose(HelpMeasure, "done_on"), lambda m: m.done_on, DATE),
        Col(_("state"), lambda m: _measure_state(m, ctx.today)),
        Col(verbose(HelpMeasure, "result"), lambda m: m.result),
    ]
    # The notice-style sheet: what the public notice (公示) shows, nothing more — no ID
    # numbers, phones, bank accounts, health, income or the lead's own words.
    noticed = cases.filter(steps__step=Step.NOTICE).distinct()

    def notice_rows():
        for case in batched(noticed):
            case.step_map = {s.step: s for s in case.step_list}
            yield case

    def notice_from(c):
        return c.step_map[Step.NOTICE].done_on

    notice_cols = [
        Col(verbose(Household, "number"), lambda c: c.household.number),
        Col(_("head of household"), head_attr(lambda p: p.name)),
        Col(verbose(MonitoringCase, "purpose"), lambda c: label(c, "purpose")),
        Col(verbose(MonitoringCase, "category"), lambda c: label(c, "category")),
        Col(verbose(MonitoringCase, "risk_types"), lambda c: c.get_risk_types_display()),
        Col(_("notice posted on"), notice_from, DATE),
        Col(verbose(CaseStep, "notice_until"), notice_until, DATE),
    ]
    return [
        Sheet(pgettext_lazy("sheet", "Monitored households"), case_cols, rows, cases.count),
        Sheet(
            pgettext_lazy("sheet", "Steps"),
            step_sheet_cols,
            lambda: batched(step_rows),
            step_rows.count,
        ),
        Sheet(
            pgettext_lazy("sheet", "Help measures"),
            measure_cols,
            lambda: batched(measures),
            measures.count,
        ),
        Sheet(pgettext_lazy("sheet", "Public notice"), notice_cols, notice_rows, noticed.count),
    ]


REGISTRY_UNITS = ("poverty-office", "qinjiang-town")

REPORT_LIST = [
    Report(
        "roster",
        _("Roster of households and people"),
        REGISTRY_UNITS,
        roster_sheets,
        _("One row per household, one per person, and the figures of every building."),
        form_class=RosterReportForm,
    ),
    Report(
        "hukou",
        _("Hukou, migrations and residence permits"),
        ("public-security", "qinjiang-police"),
        hukou_sheets,
        _("Every person's hukou, migration, residence permit and next endorsement."),
    ),
    Report(
        "medical",
        _("Medical insurance and family planning"),
        ("medical-insurance", "health"),
        medical_sheets,
        _("Every person's enrolment for the year and the household's family-planning archive."),
        form_class=YearReportForm,
    ),
    Report(
        "education",
        _("Children 3–18 and their schooling"),
        ("education",),
        education_sheets,
        _("School, grade, enrolment state, refusals and their escalation."),
    ),
    Report(
        "employment",
        _("Laborers, training and employment"),
        ("human-resources", "vocational-school"),
        employment_sheets,
        _("Willingness to train, trainings, employment and zero-employment households."),
    ),
    Report(
        "welfare",
        _("Allowances, pensions and disability"),
        ("civil-affairs", "womens-federation", "disabled-federation"),
        welfare_sheets,
        _("Allowances with their conversions, pension enrolment, disability certificates."),
    ),
    Report(
        "land",
        _("Land and forest holdings"),
        ("natural-resources", "forestry"),
        land_sheets,
        _("Every holding at the origin and every event on it."),
    ),
    Report(
        "requests",
        _("Residents' requests"),
        (EVERY_UNIT,),
        requests_sheets,
        _("Every request of the period, and the figures by unit."),
        form_class=PeriodReportForm,
    ),
    Report(
        "followup-indicators",
        _("Follow-up monitoring indicators"),
        ("poverty-office",),
        followup_sheets,
        _(
            "The figures of the national follow-up monitoring system, per building and for the "
            "site."
        ),
    ),
    Report(
        "monitoring",
        _("Monitoring against falling back into poverty"),
        REGISTRY_UNITS,
        monitoring_sheets,
        _(
            "The monitored households with category, risk types, every step with its date and "
            "who, the 15-day limit and the risk level; the help measures; a sheet for the public "
            "notice."
        ),
        form_class=MonitoringReportForm,
    ),
] + [
    Report(
        f"rule:{rule.code}",
        rule.title,
        tuple(rule.units),
        rule_sheets(rule),
        rule.description,
        rule=rule,
    )
    for rule in RULE_LIST
]
REPORTS = {report.code: report for report in REPORT_LIST}


def register_reports(*reports: Report) -> None:
    """Add reports defined by an app that services may not import (the owners' side: its
    AppConfig.ready calls this with ``ownersassoc.reports.REPORTS``). Such a report says
    who may run it (``Report.can_run``). Registering a code again replaces its report, so
    a second ``ready()`` adds nothing twice."""
    for report in reports:
        if report.can_run is None:
            raise ValueError(f"report {report.code}: a registered report says who runs it")
        if report.code in REPORTS:
            REPORT_LIST[REPORT_LIST.index(REPORTS[report.code])] = report
        else:
            REPORT_LIST.append(report)
        REPORTS[report.code] = report
