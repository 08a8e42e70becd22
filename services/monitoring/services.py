"""Every write of monitoring: thresholds, leads, the five steps of identification and of
risk clearing, risk levels and help measures. Each checks who may do it and what must come
first, and writes inside one transaction; nothing is ever deleted."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buildings.selectors import leader_building_ids
from core.images import reencode_image
from core.versioning import EditConflict, save_versioned
from households import services as household_services
from households.models import Household, LabourCapacity, MonitoringCategory, Person
from services.monitoring import access
from services.monitoring.models import (
    CATEGORIES_IN_RANGE,
    STEP_ORDER,
    CaseStatus,
    CaseStep,
    Category,
    HelpMeasure,
    IncomeThreshold,
    MonitoringCase,
    Purpose,
    RiskType,
    Source,
    Step,
)
from services.records.base import months_before

PDF_MAGIC = b"%PDF-"


def _cfg(key):
    return settings.MONITORING[key]


# --- thresholds ---------------------------------------------------------------------------


@transaction.atomic
def threshold_save(
    *, province: str, year: int, amount: Decimal, source: str = "", recorded_by
) -> IncomeThreshold:
    """Create or correct the threshold of ``province`` for ``year`` (history is kept)."""
    if not access.runs_procedure(recorded_by):
        raise PermissionDenied
    threshold = IncomeThreshold.objects.filter(province=province, year=year).first()
    if threshold is None:
        threshold = IncomeThreshold(province=province, year=year)
    threshold.amount, threshold.source, threshold.recorded_by = amount, source, recorded_by
    threshold.full_clean()
    threshold.save()
    return threshold


def threshold_for(*, year: int, province: str | None = None) -> IncomeThreshold | None:
    return IncomeThreshold.objects.filter(province=province or _cfg("PROVINCE"), year=year).first()


def _threshold_or_error(year: int, field: str) -> IncomeThreshold:
    threshold = threshold_for(year=year)
    if threshold is None:
        raise ValidationError(
            {
                field: _(
                    "There is no monitoring threshold for %(province)s in %(year)d: staff must "
                    "enter it under 监测标准 first."
                )
                % {"province": _cfg("PROVINCE"), "year": year}
            }
        )
    return threshold


# --- leads --------------------------------------------------------------------------------


def _check_date(day: datetime.date, field: str, *, not_before=None, label=""):
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if not_before is not None and day < not_before:
        raise ValidationError(
            {
                field: _("The date cannot be before %(what)s (%(date)s).")
                % {"what": label, "date": not_before.isoformat()}
            }
        )


@transaction.atomic
def lead_create(
    *,
    household: Household,
    source: str,
    fact: str,
    lead_on: datetime.date,
    reported_by=None,
    visit=None,
    alert_kind: str = "",
    fact_key: str = "",
) -> MonitoringCase:
    """A lead (线索). A leader records leads only for their own buildings (the view loads
    the household through the leader's scope); alerts come from the daily task with the
    key of the fact that raised them, which raises a lead only once."""
    if reported_by is not None and not access.records_leads(reported_by):
        raise PermissionDenied
    if (
        reported_by is not None
        and not access.runs_procedure(reported_by)
        and household.dwelling is not None
        and household.dwelling.building_id not in leader_building_ids(reported_by)
    ):
        raise PermissionDenied  # a leader records leads for their own buildings only
    if source == Source.ALERT and not (alert_kind and fact_key):
        raise ValidationError(_("An alert names the fact that raised it."))
    if not household.is_active:
        raise ValidationError({"household": _("This household no longer lives here.")})
    if not fact.strip():
        raise ValidationError({"fact": _("Say what was reported or found.")})
    _check_date(lead_on, "lead_on")
    case = MonitoringCase(
        household=household,
        source=source,
        fact=fact.strip(),
        lead_on=lead_on,
        reported_by=reported_by,
        visit=visit,
        alert_kind=alert_kind,
        fact_key=fact_key,
    )
    case.full_clean(exclude=["fact_key"])
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise ValidationError(_("This fact has already raised a lead.")) from None
    return case


@transaction.atomic
def lead_close(*, case: MonitoringCase, actor, reason: str, expected_version: int):
    """Close a lead that needs no procedure (a duplicate, a fact corrected): kept, with why."""
    if not access.runs_procedure(actor):
        raise PermissionDenied
    if case.status != CaseStatus.OPEN or case.steps.exists():
        raise ValidationError(_("Only a lead whose home check has not been recorded is closed."))
    if not reason.strip():
        raise ValidationError({"closed_reason": _("Say why the lead is closed.")})
    case.status, case.closed_reason = CaseStatus.CLOSED, reason.strip()
    save_versioned(
        case, expected_version=expected_version, update_fields=["status", "closed_reason"]
    )
    return case


# --- steps --------------------------------------------------------------------------------


def next_step(case: MonitoringCase) -> Step | None:
    """The step the case waits for, or None when it is decided or closed."""
    if case.status != CaseStatus.OPEN:
        return None
    done = {s.step for s in case.steps.all()}
    for step in STEP_ORDER:
        if step not in done:
            return step
    return None


def _begin_step(case: MonitoringCase, step: Step, done_on: datetime.date, expected_version: int):
    """Lock the case, check the step is the next one and its date follows the last step."""
    locked = MonitoringCase.objects.select_for_update().get(pk=case.pk)
    if locked.version != expected_version:
        raise EditConflict()
    expected = next_step(locked)
    if expected != step:
        raise ValidationError(
            _("This case is not waiting for the %(step)s.") % {"step": Step(step).label}
        )
    previous = locked.steps.order_by("-done_on", "-pk").first()
    if previous is not None:
        last_day = previous.notice_until or previous.done_on
        if previous.step == Step.NOTICE:
            # The notice hangs until ``notice_until``: the town reviews after it came down.
            if done_on <= previous.notice_until:
                raise ValidationError(
                    {
                        "done_on": _(
                            "The public notice is up until %(date)s: the town review comes after it."
                        )
                        % {"date": previous.notice_until.isoformat()}
                    }
                )
        else:
            _check_date(done_on, "done_on", not_before=last_day, label=previous.get_step_display())
    _check_date(done_on, "done_on", not_before=locked.lead_on, label=_("the lead"))
    return locked


def _save_step(case, *, step, done_on, actor, note="", approved=True, notice_until=None):
    CaseStep.objects.create(
        case=case,
        step=step,
        done_on=done_on,
        actor=actor,
        note=note,
        approved=approved,
        notice_until=notice_until,
    )


def _refuse(case: MonitoringCase, done_on: datetime.date, fields: list[str]):
    case.status = (
        CaseStatus.NOT_INCLUDED if case.purpose == Purpose.IDENTIFY else CaseStatus.CLEARING_REFUSED
    )
    case.decided_on = done_on
    save_versioned(
        case, expected_version=case.version, update_fields=[*fields, "status", "decided_on"]
    )


def _clean_authorisation(upload):
    """A photo is re-encoded (metadata dropped); a scan may be a PDF."""
    max_bytes = _cfg("AUTHORISATION_MAX_MB") * 1024 * 1024
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        if upload.size > max_bytes:
            raise ValidationError(
                {
                    "authorisation": _("The scan is larger than %(mb)d MB.")
                    % {"mb": _cfg("AUTHORISATION_MAX_MB")}
                }
            )
        upload.name = "authorisation.pdf"
        return upload
    try:
        return reencode_image(upload, max_bytes=max_bytes)
    except ValidationError as exc:
        raise ValidationError({"authorisation": exc.messages}) from None


def _suffix(name: str) -> str:
    return ".pdf" if name.endswith(".pdf") else ".jpg"


def _check_clearing_ready(case: MonitoringCase, day: datetime.date):
    """Risk is cleared only after income has been stably above the range for the set
    number of months, and schooling, medical care, housing and drinking water are secure."""
    months = _cfg("CLEARING_STABLE_MONTHS")
    errors = {}
    if case.stable_income_since is None or case.stable_income_since > months_before(day, months):
        errors["stable_income_since"] = _(
            "Income must have been stably above the range for at least %(months)d months "
            "(since %(date)s or earlier) before the risk is cleared."
        ) % {"months": months, "date": months_before(day, months).isoformat()}
    missing = [
        str(case._meta.get_field(f).verbose_name)
        for f in ("schooling_secure", "medical_secure", "housing_secure", "water_secure")
        if not getattr(case, f)
    ]
    if missing:
        errors["schooling_secure"] = _("Not yet recorded as secure: %(what)s.") % {
            "what": "、".join(missing)
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def home_check_record(
    *,
    case: MonitoringCase,
    actor,
    done_on: datetime.date,
    expected_version: int,
    authorisation=None,
    income_12m: Decimal | None = None,
    note: str = "",
    stable_income_since: datetime.date | None = None,
    schooling_secure: bool = False,
    medical_secure: bool = False,
    housing_secure: bool = False,
    water_secure: bool = False,
) -> MonitoringCase:
    """入户核实: the household's signed authorisation and commitment (农户授权承诺) must be
    uploaded before the case goes on; the per-capita income of the 12 months before the
    lead is recorded; a clearing records how long income has been stable and the 三保障 and
    drinking water."""
    if not access.runs_procedure(actor):
        raise PermissionDenied
    case = _begin_step(case, Step.HOME_CHECK, done_on, expected_version)
    if authorisation is None and not case.authorisation:
        raise ValidationError(
            {
                "authorisation": _(
                    "Upload a photo or scan of the household's signed authorisation and "
                    "commitment: the case cannot go on without it."
                )
            }
        )
    if income_12m is None:
        raise ValidationError(
            {"income_12m": _("Enter the per-capita net income of the 12 months before the lead.")}
        )
    if income_12m < 0:
        raise ValidationError({"income_12m": _("The income cannot be negative.")})
    fields = ["income_12m"]
    if authorisation is not None:
        clean = _clean_authorisation(authorisation)
        case.authorisation.save(f"authorisation-{case.pk}{_suffix(clean.name)}", clean, save=False)
        fields.append("authorisation")
    case.income_12m = income_12m
    if case.purpose == Purpose.CLEAR:
        case.stable_income_since = stable_income_since
        case.schooling_secure, case.medical_secure = schooling_secure, medical_secure
        case.housing_secure, case.water_secure = housing_secure, water_secure
        fields += [
            "stable_income_since",
            "schooling_secure",
            "medical_secure",
            "housing_secure",
            "water_secure",
        ]
        _check_clearing_ready(case, done_on)
    save_versioned(case, expected_version=case.version, update_fields=fields)
    _save_step(case, step=Step.HOME_CHECK, done_on=done_on, actor=actor, note=note)
    return case


def check_category_and_risks(
    *, household: Household, category: str, risk_types: list[str], income_12m, year: int
) -> None:
    """DOMAIN.md §3: a category and at least one risk type; the first two categories need
    income inside the range; 因务工就业不稳 needs a member with labour capacity."""
    errors = {}
    if category not in Category.values:
        errors["category"] = _("Choose the category.")
    if not risk_types or any(r not in RiskType.values for r in risk_types):
        errors["risk_types"] = _("Choose at least one risk type.")
    elif RiskType.UNSTABLE_WORK in risk_types and not (
        Person.objects.filter(
            household=household, is_active=True, labour_capacity__in=LabourCapacity.able()
        ).exists()
    ):
        errors["risk_types"] = _(
            "Unstable work or employment needs at least one member with labour capacity: "
            "this household has none."
        )
    if category in CATEGORIES_IN_RANGE and income_12m is not None and "category" not in errors:
        threshold = _threshold_or_error(year, "category")
        if income_12m >= threshold.amount:
            errors["category"] = _(
                "%(category)s needs income inside the monitoring range: %(income)s yuan is not "
                "below %(province)s's %(year)d threshold of %(amount)s yuan."
            ) % {
                "category": Category(category).label,
                "income": income_12m,
                "province": threshold.province,
                "year": year,
                "amount": threshold.amount,
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def review_record(
    *,
    case: MonitoringCase,
    actor,
    done_on: datetime.date,
    expected_version: int,
    approved: bool = True,
    category: str = "",
    risk_types: list[str] | None = None,
    note: str = "",
) -> MonitoringCase:
    """民主评议: the community review proposes the category and risk types (identification)
    or agrees the clearing; a review that does not agree ends the case."""
    if not access.runs_procedure(actor):
        raise PermissionDenied
    case = _begin_step(case, Step.REVIEW, done_on, expected_version)
    if not case.authorisation:  # belt and braces: the home check already requires it
        raise ValidationError({"authorisation": _("The signed authorisation is missing.")})
    if not approved:
        if not note.strip():
            raise ValidationError({"note": _("Say why the review did not agree.")})
        _save_step(case, step=Step.REVIEW, done_on=done_on, actor=actor, note=note, approved=False)
        _refuse(case, done_on, [])
        return case
    fields = []
    if case.purpose == Purpose.IDENTIFY:
        risk_types = list(dict.fromkeys(risk_types or []))
        check_category_and_risks(
            household=case.household,
            category=category,
            risk_types=risk_types,
            income_12m=case.income_12m,
            year=case.lead_on.year,
        )
        case.category, case.risk_types = category, risk_types
        fields = ["category", "risk_types"]
    save_versioned(case, expected_version=case.version, update_fields=fields)
    _save_step(case, step=Step.REVIEW, done_on=done_on, actor=actor, note=note)
    return case


@transaction.atomic
def notice_record(
    *,
    case: MonitoringCase,
    actor,
    done_on: datetime.date,
    notice_until: datetime.date,
    expected_version: int,
    note: str = "",
) -> MonitoringCase:
    """公示: held once, in the community, for at least ``NOTICE_MIN_DAYS`` days counting the
    first and the last."""
    if not access.runs_procedure(actor):
        raise PermissionDenied
    case = _begin_step(case, Step.NOTICE, done_on, expected_version)
    min_days = _cfg("NOTICE_MIN_DAYS")
    if (notice_until - done_on).days + 1 < min_days:
        raise ValidationError(
            {
                "notice_until": _(
                    "The public notice hangs for at least %(days)d days: from %(start)s until "
                    "%(end)s or later."
                )
                % {
                    "days": min_days,
                    "start": done_on.isoformat(),
                    "end": (done_on + datetime.timedelta(days=min_days - 1)).isoformat(),
                }
            }
        )
    save_versioned(case, expected_version=case.version, update_fields=[])
    _save_step(
        case, step=Step.NOTICE, done_on=done_on, actor=actor, note=note, notice_until=notice_until
    )
    return case


@transaction.atomic
def town_review_record(
    *,
    case: MonitoringCase,
    actor,
    done_on: datetime.date,
    expected_version: int,
    approved: bool = True,
    note: str = "",
) -> MonitoringCase:
    """乡镇初审, recorded by the town government (琴江镇)."""
    if not access.records_town_step(actor):
        raise PermissionDenied
    case = _begin_step(case, Step.TOWN_REVIEW, done_on, expected_version)
    if not approved and not note.strip():
        raise ValidationError({"note": _("Say why the town did not agree.")})
    _save_step(
        case, step=Step.TOWN_REVIEW, done_on=done_on, actor=actor, note=note, approved=approved
    )
    if approved:
        save_versioned(case, expected_version=case.version, update_fields=[])
    else:
        _refuse(case, done_on, [])
    return case


@transaction.atomic
def county_decision_record(
    *,
    case: MonitoringCase,
    actor,
    done_on: datetime.date,
    expected_version: int,
    approved: bool = True,
    category: str = "",
    risk_types: list[str] | None = None,
    note: str = "",
) -> MonitoringCase:
    """县级审定, recorded by the poverty-alleviation office: the category and risk types are
    decided (those proposed unless changed); the household's monitoring category in the
    registry follows; an approved clearing clears the identification it names."""
    if not access.records_county_step(actor):
        raise PermissionDenied
    case = _begin_step(case, Step.COUNTY_DECISION, done_on, expected_version)
    if not approved:
        if not note.strip():
            raise ValidationError({"note": _("Say why the county did not agree.")})
        _save_step(
            case, step=Step.COUNTY_DECISION, done_on=done_on, actor=actor, note=note, approved=False
        )
        _refuse(case, done_on, [])
        return case
    household = Household.objects.select_for_update().get(pk=case.household_id)
    if case.purpose == Purpose.IDENTIFY:
        category = category or case.category
        risk_types = list(dict.fromkeys(risk_types or case.risk_types))
        check_category_and_risks(
            household=household,
            category=category,
            risk_types=risk_types,
            income_12m=case.income_12m,
            year=case.lead_on.year,
        )
        case.category, case.risk_types = category, risk_types
        case.status, case.decided_on = CaseStatus.MONITORED, done_on
        save_versioned(
            case,
            expected_version=case.version,
            update_fields=["category", "risk_types", "status", "decided_on"],
        )
        new_category = category
    else:
        _check_clearing_ready(case, done_on)
        case.status, case.decided_on = CaseStatus.CLEARED, done_on
        save_versioned(case, expected_version=case.version, update_fields=["status", "decided_on"])
        cleared = MonitoringCase.objects.select_for_update().get(pk=case.clears_id)
        cleared.status = CaseStatus.CLEARED
        save_versioned(cleared, expected_version=cleared.version, update_fields=["status"])
        still = MonitoringCase.objects.filter(
            household=household, status=CaseStatus.MONITORED
        ).first()
        new_category = still.category if still else MonitoringCategory.NONE
    _save_step(case, step=Step.COUNTY_DECISION, done_on=done_on, actor=actor, note=note)
    if household.monitoring_category != new_category:
        household_services.household_update(
            household=household,
            expected_version=household.version,
            monitoring_category=new_category,
        )
    return case


@transaction.atomic
def clearing_start(
    *, case: MonitoringCase, actor, lead_on: datetime.date, fact: str
) -> MonitoringCase:
    """Start clearing the risk of a monitored household: a second case, through the same
    steps, that names the identification; the identification is kept."""
    if not access.runs_procedure(actor):
        raise PermissionDenied
    case = MonitoringCase.objects.select_for_update().get(pk=case.pk)
    if case.purpose != Purpose.IDENTIFY or case.status != CaseStatus.MONITORED:
        raise ValidationError(_("Only a household under monitoring has a risk to clear."))
    if case.clearings.filter(status=CaseStatus.OPEN).exists():
        raise ValidationError(_("A clearing of this case is already in progress."))
    if not fact.strip():
        raise ValidationError({"fact": _("Say why the risk can be cleared.")})
    _check_date(lead_on, "lead_on", not_before=case.decided_on, label=_("the county decision"))
    clearing = MonitoringCase(
        household_id=case.household_id,
        purpose=Purpose.CLEAR,
        clears=case,
        source=Source.REVIEW,
        fact=fact.strip(),
        lead_on=lead_on,
        reported_by=actor,
        category=case.category,
        risk_types=case.risk_types,
    )
    clearing.full_clean(exclude=["fact_key"])
    clearing.save()
    return clearing


@transaction.atomic
def risk_level_set(
    *, case: MonitoringCase, actor, level: str, reason: str, expected_version: int
) -> MonitoringCase:
    """红/黄/绿 for a monitored household, always with a reason."""
    if not access.runs_procedure(actor):
        raise PermissionDenied
    if case.status != CaseStatus.MONITORED:
        raise ValidationError(_("A risk level is set for a household under monitoring."))
    if not reason.strip():
        raise ValidationError({"risk_reason": _("Give the reason for the risk level.")})
    case.risk_level, case.risk_reason = level, reason.strip()
    case.risk_set_on = timezone.localdate()
    case.full_clean(exclude=["fact_key", "authorisation"])
    save_versioned(
        case,
        expected_version=expected_version,
        update_fields=["risk_level", "risk_reason", "risk_set_on"],
    )
    return case


# --- help measures --------------------------------------------------------------------------


@transaction.atomic
def measure_create(
    *, case: MonitoringCase, actor, kind: str, description: str, unit, deadline: datetime.date
) -> HelpMeasure:
    if not access.runs_procedure(actor) and not access.records_county_step(actor):
        raise PermissionDenied
    if case.purpose != Purpose.IDENTIFY or case.status != CaseStatus.MONITORED:
        raise ValidationError(_("Help measures are for a household under monitoring."))
    measure = HelpMeasure(
        case=case,
        kind=kind,
        description=description.strip(),
        unit=unit,
        deadline=deadline,
        created_by=actor,
    )
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def measure_complete(
    *, measure: HelpMeasure, actor, done_on: datetime.date, result: str, expected_version: int
) -> HelpMeasure:
    """The responsible unit (or staff) records what was done."""
    if not (access.runs_procedure(actor) or access.unit_code(actor) == measure.unit.code):
        raise PermissionDenied
    if measure.done_on is not None:
        raise ValidationError(_("This measure is already recorded as done."))
    if not result.strip():
        raise ValidationError({"result": _("Say what was done.")})
    _check_date(
        done_on, "done_on", not_before=measure.case.decided_on, label=_("the county decision")
    )
    measure.done_on, measure.result = done_on, result.strip()
    save_versioned(measure, expected_version=expected_version, update_fields=["done_on", "result"])
    return measure
