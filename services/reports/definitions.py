"""The catalogue of the bureaus' workbooks. Each report lists its sheets; each sheet its
columns once, as (header, accessor, type). Rows come from the registry selectors (scoped to
the user) in primary-key batches, with related records prefetched per batch; figures come
from the same rules and selectors as the dashboards."""

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
)
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buildings.models import Building, Dwelling
from core.excel import DATE, DECIMAL, INTEGER, MONEY
from core.idnumbers import birth_date_bounds_for_age
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
    rule_counts_by_building,
)
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
    Report,
    ReportContext,
    Sheet,
    batched,
    label,
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


def household_q(ctx: ReportContext, prefix: str = "") -> Q:
    """The registry filters of the report's form, on the household at ``prefix``: building
    number (every report), poverty status and move-in year (the roster, as on the household
    list)."""
    q = Q()
    if ctx.building:
        q &= Q(**{f"{prefix}dwelling__building__code": ctx.building})
    if ctx.params.get("poverty_status"):
        q &= Q(**{f"{prefix}poverty_status": ctx.params["poverty_status"]})
    if ctx.params.get("move_in_year"):
        q &= Q(**{f"{prefix}move_in_date__year": int(ctx.params["move_in_year"])})
    return q


def people_qs(ctx: ReportContext):
    qs = people_for_user(ctx.user).filter(is_active=True, household__is_active=True)
    qs = qs.filter(household_q(ctx, "household__"))
    return qs.select_related("household__dwelling__building")


def households_qs(ctx: ReportContext):
    qs = households_for_user(ctx.user).filter(is_active=True)
    qs = qs.filter(household_q(ctx))
    members = Person.objects.filter(is_active=True).order_by("relationship", "birth_date", "pk")
    return qs.select_related("dwelling__building").prefetch_related(
        Prefetch("members", queryset=members, to_attr="active_members")
    )


def _dwelling(household):
    return household.dwelling if household is not None else None


def place_cols(get_household) -> list[Col]:
    """Household number, building, entrance and room of the row's household."""

    def dwelling_attr(attr):
        def get(row):
            d = _dwelling(get_household(row))
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


def person_cols(ctx: ReportContext, get_person=lambda r: r) -> list[Col]:
    return [
        *place_cols(lambda r: get_person(r).household),
        Col(verbose(Person, "name"), lambda r: get_person(r).name),
        Col(verbose(Person, "id_number"), lambda r: ctx.id_number(get_person(r).id_number)),
        Col(verbose(Person, "sex"), lambda r: label(get_person(r), "sex")),
        Col(verbose(Person, "birth_date"), lambda r: get_person(r).birth_date, DATE),
        Col(_("age"), lambda r: get_person(r).age_on(ctx.today), INTEGER),
        Col(verbose(Person, "relationship"), lambda r: label(get_person(r), "relationship")),
        Col(verbose(Person, "phone"), lambda r: ctx.phone(get_person(r).phone)),
    ]


def _head(household):
    for member in household.active_members:
        if member.relationship == Relationship.HEAD:
            return member
    return None


def household_cols(ctx: ReportContext) -> list[Col]:
    def head_attr(get):
        def value(h):
            head = _head(h)
            return get(head) if head is not None else ""

        return value

    return [
        *place_cols(lambda h: h),
        Col(verbose(Dwelling, "area"), lambda h: h.dwelling.area if h.dwelling else None, DECIMAL),
        Col(_("head of household"), head_attr(lambda p: p.name)),
        Col(_("head's ID number"), head_attr(lambda p: ctx.id_number(p.id_number))),
        Col(_("members"), lambda h: len(h.active_members), INTEGER),
        Col(_("contact phone"), lambda h: ctx.phone(h.phone or head_attr(lambda p: p.phone)(h))),
        *origin_cols(lambda h: h),
    ]


def origin_cols(get_household) -> list[Col]:
    return [
        Col(verbose(Household, "origin_town"), lambda r: get_household(r).origin_town),
        Col(verbose(Household, "origin_village"), lambda r: get_household(r).origin_village),
        Col(
            verbose(Household, "relocation_mode"),
            lambda r: label(get_household(r), "relocation_mode"),
        ),
        Col(verbose(Household, "move_in_date"), lambda r: get_household(r).move_in_date, DATE),
        Col(
            verbose(Household, "poverty_status"),
            lambda r: label(get_household(r), "poverty_status"),
        ),
    ]


def _first(items):
    return items[0] if items else None


def _attr(obj, name, display=False):
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
    people = people_for_user(ctx.user).filter(is_active=True, household__is_active=True)
    households = households_for_user(ctx.user).filter(is_active=True)
    people = people.filter(household_q(ctx, "household__"))
    households = households.filter(household_q(ctx))
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


def _building_rows(buildings, table):
    rows = [(b.code, b.pk) for b in buildings]
    if None in table:
        rows.append((str(NO_DWELLING), None))
    return rows


def roster_summary_sheet(ctx: ReportContext) -> Sheet:
    buildings, table = building_figures(ctx)
    rules = list(RULE_LIST)
    failing = rule_counts_by_building(rules, ctx.today)
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
    person_details = [
        Col(verbose(Person, "ethnicity"), lambda p: p.ethnicity),
        Col(verbose(Person, "education"), lambda p: label(p, "education")),
        Col(verbose(Person, "school_status"), lambda p: label(p, "school_status")),
        Col(verbose(Person, "health"), lambda p: label(p, "health")),
        Col(
            verbose(Person, "disability_certificate"),
            lambda p: ctx.certificate(p.disability_certificate),
        ),
        Col(verbose(Person, "labour_capacity"), lambda p: label(p, "labour_capacity")),
        Col(verbose(Person, "training_willingness"), lambda p: label(p, "training_willingness")),
        Col(verbose(Person, "hukou_status"), lambda p: label(p, "hukou_status")),
        # "household phone", not the person sheet's second 联系电话: the sheet imports back
        # as a roster (households.imports), where 电话/联系电话 is the person's.
        Col(_("household phone"), lambda p: ctx.phone(p.household.phone)),
        *origin_cols(lambda p: p.household),
    ]
    return [
        Sheet(
            pgettext_lazy("sheet", "Households"),
            household_cols(ctx),
            lambda: batched(households),
            households.count,
        ),
        Sheet(
            pgettext_lazy("sheet", "People"),
            person_cols(ctx) + person_details,
            lambda: batched(people),
            people.count,
        ),
        roster_summary_sheet(ctx),
    ]


def hukou_sheets(ctx: ReportContext) -> list[Sheet]:
    qs = people_qs(ctx).prefetch_related(
        Prefetch(
            "hukou_migrations",
            queryset=HukouMigration.objects.order_by("-pk"),
            to_attr="migration_list",
        ),
        Prefetch(
            "residence_permits",
            queryset=ResidencePermit.objects.order_by("-valid_until", "-pk"),
            to_attr="permit_list",
        ),
    )

    def mig(p):
        return _first(p.migration_list)

    def permit(p):
        return _first(p.permit_list)

    def overdue(p):
        latest = permit(p)
        return "" if latest is None else yes_no(latest.valid_until < ctx.today)

    columns = [
        *person_cols(ctx),
        Col(verbose(Person, "hukou_status"), lambda p: label(p, "hukou_status")),
        Col(_("migration"), lambda p: _attr(mig(p), "status", True)),
        Col(verbose(HukouMigration, "applied_on"), lambda p: _attr(mig(p), "applied_on"), DATE),
        Col(
            verbose(HukouMigration, "completed_on"),
            lambda p: _attr(mig(p), "completed_on"),
            DATE,
        ),
        Col(verbose(ResidencePermit, "number"), lambda p: _attr(permit(p), "number")),
        Col(verbose(ResidencePermit, "issued_on"), lambda p: _attr(permit(p), "issued_on"), DATE),
        Col(_("next endorsement due"), lambda p: _attr(permit(p), "valid_until"), DATE),
        Col(
            verbose(ResidencePermit, "last_endorsed_on"),
            lambda p: _attr(permit(p), "last_endorsed_on"),
            DATE,
        ),
        Col(_("endorsement overdue"), overdue),
    ]
    return [Sheet(pgettext_lazy("sheet", "Hukou"), columns, lambda: batched(qs), qs.count)]


def medical_sheets(ctx: ReportContext) -> list[Sheet]:
    year = int(ctx.params.get("year") or ctx.today.year)
    qs = people_qs(ctx).prefetch_related(
        Prefetch(
            "medical_insurance",
            queryset=MedicalInsurance.objects.filter(year=year).order_by("-pk"),
            to_attr="insurance_list",
        ),
        Prefetch(
            "household__family_planning",
            queryset=FamilyPlanningRecord.objects.order_by("-checked_on", "-pk"),
            to_attr="planning_list",
        ),
    )

    def ins(p):
        return _first(p.insurance_list)

    def plan(p):
        return _first(p.household.planning_list)

    columns = [
        *person_cols(ctx),
        Col(_("insured in %(year)s") % {"year": year}, lambda p: yes_no(ins(p) is not None)),
        Col(verbose(MedicalInsurance, "place"), lambda p: _attr(ins(p), "place", True)),
        Col(
            verbose(MedicalInsurance, "transfer_done"),
            lambda p: yes_no(_attr(ins(p), "transfer_done")),
        ),
        Col(_("family-planning archive"), lambda p: _attr(plan(p), "status", True)),
        Col(verbose(FamilyPlanningRecord, "kept_at"), lambda p: _attr(plan(p), "kept_at", True)),
        Col(
            verbose(FamilyPlanningRecord, "checked_on"),
            lambda p: _attr(plan(p), "checked_on"),
            DATE,
        ),
    ]
    return [
        Sheet(pgettext_lazy("sheet", "Medical insurance"), columns, lambda: batched(qs), qs.count)
    ]


def education_sheets(ctx: ReportContext) -> list[Sheet]:
    earliest, latest = birth_date_bounds_for_age(3, 18, ctx.today)
    qs = (
        people_qs(ctx)
        .filter(birth_date__gte=earliest, birth_date__lte=latest)
        .prefetch_related(
            Prefetch(
                "school_enrolments",
                queryset=SchoolEnrolment.objects.order_by("-started_on", "-pk"),
                to_attr="enrolment_list",
            )
        )
    )
    refused = (SchoolEnrolment.Status.REFUSED, SchoolEnrolment.Status.WAITING)

    def current(p):
        return _first(p.enrolment_list)

    def refusals(p):
        return [e for e in p.enrolment_list if e.status in refused]

    columns = [
        *person_cols(ctx),
        Col(verbose(Person, "school_status"), lambda p: label(p, "school_status")),
        Col(verbose(SchoolEnrolment, "school"), lambda p: _attr(current(p), "school")),
        Col(verbose(SchoolEnrolment, "grade"), lambda p: _attr(current(p), "grade")),
        Col(_("enrolment state"), lambda p: _attr(current(p), "status", True)),
        Col(
            verbose(SchoolEnrolment, "started_on"), lambda p: _attr(current(p), "started_on"), DATE
        ),
        Col(_("refusals or waits"), lambda p: len(refusals(p)), INTEGER),
        Col(_("latest refusal reason"), lambda p: _attr(_first(refusals(p)), "reason")),
        Col(
            verbose(SchoolEnrolment, "escalated_at"),
            lambda p: _local(_attr(_first(refusals(p)), "escalated_at")),
            DATE,
        ),
    ]
    return [Sheet(pgettext_lazy("sheet", "Children 3–18"), columns, lambda: batched(qs), qs.count)]


def employment_sheets(ctx: ReportContext) -> list[Sheet]:
    today = ctx.today
    qs = (
        people_qs(ctx)
        .filter(labourer_q(today))
        .prefetch_related(
            Prefetch(
                "trainings",
                queryset=Training.objects.order_by("-started_on", "-pk"),
                to_attr="training_list",
            ),
            Prefetch(
                "employments",
                queryset=Employment.objects.filter(
                    Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))
                ).order_by("-started_on", "-pk"),
                to_attr="job_list",
            ),
        )
    )
    zero = RULES["zero-employment"]
    zero_ids = frozenset(zero.failing(today).values_list("pk", flat=True))

    def job(p):
        return _first(p.job_list)

    def training(p):
        return _first(p.training_list)

    columns = [
        *person_cols(ctx),
        Col(verbose(Person, "labour_capacity"), lambda p: label(p, "labour_capacity")),
        Col(verbose(Person, "training_willingness"), lambda p: label(p, "training_willingness")),
        Col(_("trainings"), lambda p: len(p.training_list), INTEGER),
        Col(_("latest course"), lambda p: _attr(training(p), "course")),
        Col(_("latest training from"), lambda p: _attr(training(p), "started_on"), DATE),
        Col(_("employed"), lambda p: yes_no(job(p) is not None)),
        Col(_("kind of employment"), lambda p: _attr(job(p), "kind", True)),
        Col(verbose(Employment, "employer"), lambda p: _attr(job(p), "employer")),
        Col(_("employed since"), lambda p: _attr(job(p), "started_on"), DATE),
        Col(_("monthly income (yuan)"), lambda p: _attr(job(p), "monthly_income"), MONEY),
        Col(_("zero-employment household"), lambda p: yes_no(p.household_id in zero_ids)),
    ]
    return [Sheet(pgettext_lazy("sheet", "Laborers"), columns, lambda: batched(qs), qs.count)]


def welfare_sheets(ctx: ReportContext) -> list[Sheet]:
    allowances = Allowance.objects.filter(household__in=households_for_user(ctx.user))
    allowances = allowances.filter(household_q(ctx, "household__"))
    allowances = allowances.select_related(
        "household__dwelling__building", "person", "converted_from"
    )

    def current(a):
        return a.started_on <= ctx.today and (a.ended_on is None or a.ended_on >= ctx.today)

    allowance_cols = [
        *place_cols(lambda a: a.household),
        Col(verbose(Person, "name"), lambda a: a.person.name if a.person else ""),
        Col(
            verbose(Person, "id_number"),
            lambda a: ctx.id_number(a.person.id_number) if a.person else "",
        ),
        Col(verbose(Allowance, "kind"), lambda a: label(a, "kind")),
        Col(verbose(Allowance, "started_on"), lambda a: a.started_on, DATE),
        Col(verbose(Allowance, "ended_on"), lambda a: a.ended_on, DATE),
        Col(_("in force"), lambda a: yes_no(current(a))),
        Col(verbose(Allowance, "monthly_amount"), lambda a: a.monthly_amount, MONEY),
        Col(_("converted from"), lambda a: _attr(a.converted_from, "kind", True)),
        Col(
            _("converted from, started on"),
            lambda a: _attr(a.converted_from, "started_on"),
            DATE,
        ),
    ]
    adults_from, adults_to = birth_date_bounds_for_age(config("PENSION_MIN_AGE"), 150, ctx.today)
    people = (
        people_qs(ctx)
        .filter(
            Q(birth_date__gte=adults_from, birth_date__lte=adults_to)
            | ~Q(disability_certificate="")
        )
        .prefetch_related(
            Prefetch(
                "pension_enrolments",
                queryset=PensionEnrolment.objects.order_by("-enrolled_on", "-pk"),
                to_attr="pension_list",
            ),
            Prefetch(
                "allowances",
                queryset=Allowance.objects.filter(kind=Allowance.Kind.DISABILITY).order_by(
                    "-started_on"
                ),
                to_attr="disability_list",
            ),
        )
    )

    def pension(p):
        return _first(p.pension_list)

    people_cols = [
        *person_cols(ctx),
        Col(_("pension scheme"), lambda p: _attr(pension(p), "scheme", True)),
        Col(verbose(PensionEnrolment, "place"), lambda p: _attr(pension(p), "place", True)),
        Col(
            verbose(PensionEnrolment, "enrolled_on"),
            lambda p: _attr(pension(p), "enrolled_on"),
            DATE,
        ),
        Col(verbose(PensionEnrolment, "ended_on"), lambda p: _attr(pension(p), "ended_on"), DATE),
        Col(
            verbose(Person, "disability_certificate"),
            lambda p: ctx.certificate(p.disability_certificate),
        ),
        Col(
            _("disability assistance (yuan a month)"),
            lambda p: _attr(_first(p.disability_list), "monthly_amount"),
            MONEY,
        ),
    ]
    return [
        Sheet(
            pgettext_lazy("sheet", "Allowances"),
            allowance_cols,
            lambda: batched(allowances),
            allowances.count,
        ),
        Sheet(
            pgettext_lazy("sheet", "Pensions and disability"),
            people_cols,
            lambda: batched(people),
            people.count,
        ),
    ]


def land_sheets(ctx: ReportContext) -> list[Sheet]:
    holdings = LandHolding.objects.filter(household__in=households_for_user(ctx.user))
    holdings = holdings.filter(household_q(ctx, "household__"))
    events = LandRightEvent.objects.filter(holding__in=holdings).select_related(
        "holding__household__dwelling__building"
    )
    holdings = holdings.select_related("household__dwelling__building")
    holding_cols = [
        *place_cols(lambda h: h.household),
        Col(verbose(LandHolding, "kind"), lambda h: label(h, "kind")),
        Col(verbose(LandHolding, "location"), lambda h: h.location),
        Col(verbose(LandHolding, "area_mu"), lambda h: h.area_mu, DECIMAL),
        Col(verbose(LandHolding, "contract_number"), lambda h: h.contract_number),
    ]
    event_cols = [
        *place_cols(lambda e: e.holding.household),
        Col(verbose(LandHolding, "kind"), lambda e: label(e.holding, "kind")),
        Col(verbose(LandHolding, "location"), lambda e: e.holding.location),
        Col(verbose(LandRightEvent, "kind"), lambda e: label(e, "kind")),
        Col(verbose(LandRightEvent, "happened_on"), lambda e: e.happened_on, DATE),
        Col(verbose(LandRightEvent, "counterparty"), lambda e: e.counterparty),
        Col(verbose(LandRightEvent, "income"), lambda e: e.income, MONEY),
        Col(verbose(LandRightEvent, "notice_given_on"), lambda e: e.notice_given_on, DATE),
    ]
    return [
        Sheet(
            pgettext_lazy("sheet", "Land and forest"),
            holding_cols,
            lambda: batched(holdings),
            holdings.count,
            totals="sum",
        ),
        Sheet(pgettext_lazy("sheet", "Events"), event_cols, lambda: batched(events), events.count),
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
    qs = qs.select_related("building", "household", "unit").annotate(
        late=ExpressionWrapper(Q(overdue_q(now)), output_field=BooleanField())
    )
    columns = [
        Col(_("request number"), lambda r: r.pk, INTEGER),
        Col(verbose(ResidentRequest, "filed_at"), lambda r: _local(r.filed_at), DATE),
        Col(_("building number"), lambda r: r.building.code if r.building else ""),
        Col(verbose(Household, "number"), lambda r: r.household.number if r.household else ""),
        Col(verbose(ResidentRequest, "category"), lambda r: label(r, "category")),
        Col(verbose(ResidentRequest, "urgency"), lambda r: label(r, "urgency")),
        Col(_("responsible unit"), lambda r: r.unit.name if r.unit else ""),
        Col(verbose(ResidentRequest, "deadline"), lambda r: _local(r.deadline), DATE),
        Col(verbose(ResidentRequest, "resolved_at"), lambda r: _local(r.resolved_at), DATE),
        Col(_("on time"), lambda r: yes_no(not r.late)),
        Col(verbose(ResidentRequest, "state"), lambda r: label(r, "state")),
        Col(verbose(ResidentRequest, "satisfaction"), lambda r: label(r, "satisfaction")),
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
        Sheet(pgettext_lazy("sheet", "Requests"), columns, lambda: batched(qs), qs.count),
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
    failing = rule_counts_by_building(rules, today)
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
    qs = (
        rule.failing(ctx.today)
        .select_related("building", "unit")
        .order_by("rectification_deadline", "pk")
    )
    if ctx.building:
        qs = qs.filter(building__code=ctx.building)
    columns = [
        Col(verbose(FireInspection, "building"), lambda i: i.building.code if i.building else ""),
        Col(verbose(FireInspection, "premises"), lambda i: i.premises),
        Col(verbose(FireInspection, "unit"), lambda i: i.unit.name),
        Col(verbose(FireInspection, "inspected_on"), lambda i: i.inspected_on, DATE),
        Col(verbose(FireInspection, "findings"), lambda i: i.findings),
        Col(
            verbose(FireInspection, "rectification_deadline"),
            lambda i: i.rectification_deadline,
            DATE,
        ),
        Col(
            _("days overdue"),
            lambda i: (ctx.today - i.rectification_deadline).days,
            INTEGER,
        ),
    ]
    return [Sheet(rule.title, columns, lambda: batched(qs), qs.count)]


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
            qs = qs.select_related("household__dwelling__building")
            columns = [
                *person_cols(ctx),
                Col(_("household phone"), lambda p: ctx.phone(p.household.phone)),
                Col(verbose(Person, "labour_capacity"), lambda p: label(p, "labour_capacity")),
                Col(verbose(Household, "move_in_date"), lambda p: p.household.move_in_date, DATE),
            ]
        else:
            qs = qs.filter(household_q(ctx))
            members = Person.objects.filter(is_active=True).order_by("relationship", "pk")
            qs = qs.select_related("dwelling__building").prefetch_related(
                Prefetch("members", queryset=members, to_attr="active_members")
            )
            columns = household_cols(ctx)
        return [Sheet(rule.title, columns, lambda: batched(qs), qs.count)]

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
        *place_cols(lambda c: c.household),
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
        *place_cols(lambda s: s.case.household),
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
        *place_cols(lambda m: m.case.household),
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
