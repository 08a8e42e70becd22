"""The rules' counts, kept per building and up to date with every change.

Counting a rule over a county's million people takes a quarter of a second to a second; the
dashboards and the overview show sixteen of them. So each rule is counted in full once a
day, building by building (``RuleCount``: one row per rule, day and building with failing
people or households), and after that only the buildings whose facts changed are counted
again:

- every save or deletion of a person, household, dwelling or obligation record writes the
  building it touches (before and after the change) to ``RuleCountDirty``, in the same
  transaction and in one ``INSERT … SELECT`` each, so a mark becomes visible exactly when
  the change does; a bulk write that sends no signals (the roster import) calls
  ``counts_mark_buildings`` itself;
- whoever reads the counts first brings them up to date: for each rule counted today, one
  grouped count over the marked buildings only (a few milliseconds through the
  building → dwelling → household → person indexes), then the marks read are removed.

So a count is never older than the last change that was committed before the page was
read, and ``counts_current(...) == rule.failing(today).count()`` holds after any sequence
of writes (``tests/services/test_rule_counts.py`` checks it after random edits). The daily
job counts every rule in full (``counts_refresh``) and removes the past days' rows.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.signals import post_save, pre_delete, pre_save
from django.utils import timezone

from households.signals import registry_changed
from services.obligations.models import RuleCount, RuleCountDirty, RuleCountRun
from services.obligations.rules import BUILDING_PATH, RULE_LIST

NO_BUILDING = 0
LOCK_KEY = 7_270_735  # the advisory lock of the kept counts' writers


# --- marking -----------------------------------------------------------------------------


def counts_mark_buildings(building_ids=None) -> None:
    """Mark buildings (pks; None for a household without a dwelling) to be counted again;
    ``building_ids=None`` marks every building (a bulk write across the registry)."""
    now = timezone.now()
    if building_ids is None:
        keys = {RuleCountDirty.ALL}
    else:
        keys = {NO_BUILDING if b is None else int(b) for b in building_ids}
    RuleCountDirty.objects.bulk_create(
        [RuleCountDirty(building_key=k, marked_at=now) for k in sorted(keys)]
    )


def _building_sql(model) -> tuple[str, str] | None:
    """(building key expression, ``FROM … WHERE <the row's pk> = %s``) for a model the
    rules read, or None."""
    from buildings.models import Dwelling
    from households.models import Household, Person

    hh, dw, pe = Household._meta.db_table, Dwelling._meta.db_table, Person._meta.db_table
    dwelling = f"LEFT JOIN {dw} d ON d.id = h.dwelling_id"
    key = f"COALESCE(d.building_id, {NO_BUILDING})"
    table = model._meta.db_table
    fields = {f.name for f in model._meta.fields}
    if model is Dwelling or "building" in fields:
        return f"COALESCE(building_id, {NO_BUILDING})", f"{table} WHERE id = %s"
    if model is Household:
        return key, f"{hh} h {dwelling} WHERE h.id = %s"
    if model is Person:
        return key, f"{pe} x JOIN {hh} h ON h.id = x.household_id {dwelling} WHERE x.id = %s"
    if "household" in fields:  # an allowance names its household, and maybe a member
        return key, f"{table} x JOIN {hh} h ON h.id = x.household_id {dwelling} WHERE x.id = %s"
    if "person" in fields:
        return key, (
            f"{table} x JOIN {pe} p ON p.id = x.person_id "
            f"JOIN {hh} h ON h.id = p.household_id {dwelling} WHERE x.id = %s"
        )
    return None


def _mark_row(model, pk) -> None:
    """Mark the building of one stored row (one ``INSERT … SELECT``; nothing when the row
    joins no household)."""
    sql = _building_sql(model)
    if sql is None or pk is None:
        return
    key, from_where = sql
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RuleCountDirty._meta.db_table} (building_key, marked_at) "
            f"SELECT {key}, %s FROM {from_where}",
            [connection.ops.adapt_datetimefield_value(timezone.now()), pk],
        )


def _before_change(sender, instance, raw=False, **kwargs):
    """The building the row is in as stored, before an update or a deletion moves it."""
    if raw or instance.pk is None or instance._state.adding:
        return
    _mark_row(sender, instance.pk)


def _after_save(sender, instance, raw=False, **kwargs):
    if not raw:
        _mark_row(sender, instance.pk)


def _after_bulk_write(sender, building_ids=None, **kwargs):
    counts_mark_buildings(building_ids)


def connect():
    """Mark buildings on every write of the facts the rules read (``ServicesConfig.ready``)."""
    from buildings.models import Dwelling
    from households.models import Household, Person
    from services.firesafety.models import FireInspection
    from services.records import models as records

    senders = [
        Person,
        Household,
        Dwelling,
        records.HukouMigration,
        records.ResidencePermit,
        records.MedicalInsurance,
        records.FamilyPlanningRecord,
        records.SchoolEnrolment,
        records.Training,
        records.Employment,
        records.PensionEnrolment,
        records.Allowance,
        records.LandHolding,
        FireInspection,
    ]
    registry_changed.connect(_after_bulk_write, dispatch_uid="rule-counts-bulk")
    for sender in senders:
        uid = f"rule-counts-{sender._meta.label}"
        pre_save.connect(_before_change, sender=sender, dispatch_uid=f"{uid}-pre")
        post_save.connect(_after_save, sender=sender, dispatch_uid=f"{uid}-post")
        # A deletion is marked before it happens, while the row still joins its building.
        pre_delete.connect(_before_change, sender=sender, dispatch_uid=f"{uid}-del")


# --- counting ----------------------------------------------------------------------------


def _grouped(rule, today: datetime.date, building_keys=None) -> dict[int, int]:
    """{building key: failing} of one rule (one grouped query), over ``building_keys``
    only when given."""
    path = BUILDING_PATH[rule.subject]
    qs = rule.failing(today).order_by()
    if building_keys is not None:
        ids = [k for k in building_keys if k != NO_BUILDING]
        where = Q(**{f"{path}__in": ids})
        if NO_BUILDING in building_keys:
            where |= Q(**{f"{path}__isnull": True})
        qs = qs.filter(where)
    rows = qs.values(building_key=F(path)).annotate(n=Count("pk")).values_list("building_key", "n")
    return {NO_BUILDING if b is None else b: n for b, n in rows}


def _replace(today, found: dict[str, dict[int, int]], *, keys=None, now) -> None:
    """Write the counts ``found`` ({rule code: {building key: failing}}) of the day: the
    rows of those rules (limited to ``keys`` when given) are replaced, in two statements
    whatever the number of rules and buildings."""
    old = RuleCount.objects.filter(day=today, rule_code__in=list(found))
    if keys is not None:
        old = old.filter(building_key__in=list(keys))
    old.delete()
    RuleCount.objects.bulk_create(
        [
            RuleCount(rule_code=code, day=today, building_key=k, count=n, counted_at=now)
            for code, table in found.items()
            for k, n in table.items()
        ],
        batch_size=2000,
    )


def _lock() -> None:
    """Serialise the writers of the kept counts (PostgreSQL; SQLite serialises writes by
    itself): a second reader waits, then finds the work done."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _state(today):
    runs = dict(RuleCountRun.objects.filter(day=today).values_list("rule_code", "counted_at"))
    marks = list(RuleCountDirty.objects.values_list("pk", "building_key"))
    return runs, marks


def counts_bring_up_to_date(*, rules, today: datetime.date, recount: bool = False) -> dict:
    """Make the kept counts of ``rules`` current for ``today``; returns {rule code: when
    it was last counted in full}.

    When nothing changed since the last read: two queries (the day's full counts, the
    marks). Otherwise, under a lock: one grouped count per rule not counted today (or every
    rule of ``rules`` with ``recount``), and when buildings are marked, one grouped count
    per rule counted today over the marked buildings only; then a fixed few writes."""
    rules = list(rules)
    runs, marks = _state(today)
    if not recount and not marks and all(r.code in runs for r in rules):
        return {rule.code: runs[rule.code] for rule in rules}
    with transaction.atomic():
        _lock()
        runs, marks = _state(today)  # another reader may have done the work meanwhile
        now = timezone.now()
        keys = {k for _pk, k in marks}
        if RuleCountDirty.ALL in keys:
            runs = {}
        full = [r for r in rules if recount or r.code not in runs]
        if full:
            _replace(today, {r.code: _grouped(r, today) for r in full}, now=now)
            RuleCountRun.objects.bulk_create(
                [RuleCountRun(rule_code=r.code, day=today, counted_at=now) for r in full],
                update_conflicts=True,
                unique_fields=["day", "rule_code"],
                update_fields=["counted_at"],
            )
            runs.update({r.code: now for r in full})
        if marks:
            done = {r.code for r in full}
            if RuleCountDirty.ALL in keys:
                # Every building changed: what is not counted now is counted when next read.
                RuleCountRun.objects.filter(day=today).exclude(rule_code__in=done).delete()
            else:
                # Every rule counted today, not only this page's: the marks go once all are.
                partial = [r for r in RULE_LIST if r.code in runs and r.code not in done]
                if partial:
                    found = {r.code: _grouped(r, today, keys) for r in partial}
                    _replace(today, found, keys=keys, now=now)
            RuleCountDirty.objects.filter(pk__in=[pk for pk, _k in marks]).delete()
    return {rule.code: runs[rule.code] for rule in rules}


def counts_totals(*, rules, today: datetime.date) -> dict[str, int]:
    """{rule code: failing} from the kept counts (one grouped query)."""
    codes = [r.code for r in rules]
    sums = dict(
        RuleCount.objects.filter(day=today, rule_code__in=codes)
        .values("rule_code")
        .annotate(n=Sum("count"))
        .values_list("rule_code", "n")
    )
    return {code: sums.get(code, 0) for code in codes}


def counts_by_building(*, rules, today: datetime.date) -> dict[int | None, dict[str, int]]:
    """{building pk (None: no dwelling): {rule code: failing}} from the kept counts."""
    table: dict[int | None, dict[str, int]] = {}
    rows = RuleCount.objects.filter(day=today, rule_code__in=[r.code for r in rules])
    for code, key, n in rows.values_list("rule_code", "building_key", "count"):
        table.setdefault(None if key == NO_BUILDING else key, {})[code] = n
    return table


def counts_of_building(*, rule, today: datetime.date, building_id) -> int:
    row = RuleCount.objects.filter(
        day=today, rule_code=rule.code, building_key=building_id or NO_BUILDING
    ).first()
    return row.count if row else 0


def counts_refresh(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: count every rule in full, forget the past days' counts; returns the
    totals (the snapshot of the day)."""
    today = today or timezone.localdate()
    counts_bring_up_to_date(rules=RULE_LIST, today=today, recount=True)
    RuleCount.objects.filter(day__lt=today).delete()
    RuleCountRun.objects.filter(day__lt=today).delete()
    return counts_totals(rules=RULE_LIST, today=today)
