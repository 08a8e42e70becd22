"""The owners' side's workbooks in the reports framework (/reports/, ``export_report``): the
community fund ledger, the arrears (lease rent and owners' property fees) and a general
meeting's vote count.

services may not import ownersassoc, so these reports are defined here and added to the
catalogue from ``OwnersassocConfig.ready`` (``services.reports.definitions.register_reports``).
Each says who runs it (``Report.can_run``), as the pages do: the ledger its readers (staff,
the owners' committee, 县财政局 and 县扶贫办); the arrears and the vote count staff and the
committee; anyone else gets a 404. The figures come from the same selectors as the pages.
"""

from django import forms
from django.db.models import Prefetch
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buildings.premises.services import can_read_premises, leases_in_arrears
from core.excel import DATE, DECIMAL, INTEGER, MONEY
from services.reports.catalogue import Col, Report, ReportContext, Sheet, batched, label, yes_no
from services.reports.forms import ReportForm, YearReportForm

from . import fees, fund, selectors
from .models import Ballot, BallotSheet, Matter, OwnersMeeting


def _pct(part, whole):
    """A share in per cent with two decimals, None without a denominator (display only:
    the verdict itself is exact, ``voting.decide``)."""
    return selectors._pct(part, whole)


# --- the forms ---------------------------------------------------------------------------


class LedgerReportForm(YearReportForm):
    building = None  # the ledger is the community's, not a building's


class MeetingReportForm(ReportForm):
    building = None
    meeting = forms.TypedChoiceField(label=_("general meeting"), coerce=int, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [
            (pk, f"{held_on:%Y-%m-%d} {title}")
            for pk, held_on, title in OwnersMeeting.objects.order_by("-held_on", "-pk").values_list(
                "pk", "held_on", "title"
            )
        ]


# --- who runs them -----------------------------------------------------------------------


def can_run_arrears(user) -> bool:
    return selectors.can_read(user) and can_read_premises(user)


def may_see_ballots(user) -> bool:
    """Per-owner choices: for those who read the ballot sheets (staff, committee members).
    The public notice never shows them."""
    return selectors.can_read(user) and user.has_perm("ownersassoc.view_ballot")


# --- the fund ledger ---------------------------------------------------------------------


def ledger_sheets(ctx: ReportContext) -> list[Sheet]:
    year = int(ctx.params.get("year") or ctx.today.year)
    lines = list(reversed(fund.ledger_lines(user=ctx.user, year=year)))  # oldest first
    line_cols = [
        Col(_("date"), lambda line: line.entry_on, DATE),
        Col(_("income or expense"), lambda line: line.direction_label),
        Col(pgettext_lazy("fund", "source"), lambda line: line.source_label),
        Col(_("kind of spending"), lambda line: line.expense_label),
        Col(
            pgettext_lazy("ledger", "income (yuan)"),
            lambda line: line.amount if line.direction == "income" else None,
            MONEY,
        ),
        Col(
            _("spending (yuan)"),
            lambda line: line.amount if line.direction == "expense" else None,
            MONEY,
        ),
        Col(pgettext_lazy("ledger", "description"), lambda line: line.description),
        Col(_("recorded"), lambda line: line.origin),
    ]
    opening, months = fund.monthly_balance(year=year)
    month_rows = [
        {"label": _g("opening balance"), "income": None, "expense": None, "balance": opening}
    ] + [
        {
            "label": f"{year}-{m.month:02d}",
            "income": m.income,
            "expense": m.expense,
            "balance": m.balance,
        }
        for m in months
    ]
    month_cols = [
        Col(_("month"), lambda r: r["label"]),
        Col(pgettext_lazy("ledger", "income (yuan)"), lambda r: r["income"], MONEY),
        Col(_("spending (yuan)"), lambda r: r["expense"], MONEY),
        Col(_("balance at the end of the month (yuan)"), lambda r: r["balance"], MONEY),
    ]

    def month_totals():
        return [
            _g("Total"),
            sum((m.income for m in months), fund.ZERO),
            sum((m.expense for m in months), fund.ZERO),
            months[-1].balance,
        ]

    paid = fund.property_service_paid_by_source(year=year)
    paid_total = sum((v for _label, v in paid), fund.ZERO)
    paid_cols = [
        Col(pgettext_lazy("fund", "source"), lambda r: r[0]),
        Col(_("paid for the property service (yuan)"), lambda r: r[1], MONEY),
        Col(_("share (%)"), lambda r: _pct(r[1], paid_total), DECIMAL),
    ]
    income = fund.income_by_source(year=year)
    income_total = sum((v for _s, _label, v in income), fund.ZERO)
    income_cols = [
        Col(pgettext_lazy("fund", "source"), lambda r: r[1]),
        Col(pgettext_lazy("ledger", "income (yuan)"), lambda r: r[2], MONEY),
        Col(_("share (%)"), lambda r: _pct(r[2], income_total), DECIMAL),
    ]
    return [
        Sheet(
            pgettext_lazy("sheet", "Ledger"),
            line_cols,
            lambda: lines,
            lambda: len(lines),
        ),  # no totals row: the balance by month has them
        Sheet(
            pgettext_lazy("sheet", "Balance by month"),
            month_cols,
            lambda: month_rows,
            lambda: len(month_rows),
            totals=month_totals,
        ),
        Sheet(
            pgettext_lazy("sheet", "Property service by source"),
            paid_cols,
            lambda: paid,
            lambda: len(paid),
            totals=lambda: [_g("Total"), paid_total, _pct(paid_total, paid_total)],
        ),
        Sheet(
            pgettext_lazy("sheet", "Income by source"),
            income_cols,
            lambda: income,
            lambda: len(income),
            totals=lambda: [_g("Total"), income_total, _pct(income_total, income_total)],
        ),
    ]


def _sums(columns, rows, headers) -> list:
    """A totals row summing the columns named ``headers`` (the money owed), blank elsewhere:
    days overdue or a monthly rent do not add up."""
    at = [i for i, c in enumerate(columns) if str(c.header) in headers]
    sums = [None] * len(columns)
    for row in rows:
        for i in at:
            sums[i] = (sums[i] or fund.ZERO) + columns[i].accessor(row)
    return sums


# --- the arrears -------------------------------------------------------------------------


def arrears_sheets(ctx: ReportContext) -> list[Sheet]:
    statuses = leases_in_arrears(user=ctx.user, today=ctx.today)
    if ctx.building:
        statuses = [
            s
            for s in statuses
            if s.lease.premises.building_id and s.lease.premises.building.code == ctx.building
        ]
    rent_cols = [
        Col(_("premises"), lambda s: s.lease.premises.code),
        Col(_("kind"), lambda s: label(s.lease.premises, "kind")),
        Col(
            _("building number"),
            lambda s: s.lease.premises.building.code if s.lease.premises.building_id else "",
        ),
        Col(_("owner of the asset"), lambda s: s.lease.premises.asset_owner),
        Col(_("tenant"), lambda s: s.lease.tenant),
        Col(_("tenant's phone"), lambda s: ctx.phone(s.lease.tenant_phone)),
        Col(_("lease starts"), lambda s: s.lease.started_on, DATE),
        Col(_("lease ends"), lambda s: s.lease.ended_on, DATE),
        Col(_("monthly rent (yuan)"), lambda s: s.lease.monthly_rent, MONEY),
        Col(_("rent due (yuan)"), lambda s: s.due, MONEY),
        Col(_("rent received (yuan)"), lambda s: s.received, MONEY),
        Col(_("arrears (yuan)"), lambda s: s.arrears, MONEY),
        Col(_("days overdue"), lambda s: s.days_overdue, INTEGER),
    ]
    bills = fees.fee_arrears(user=ctx.user, today=ctx.today)
    if ctx.building:
        bills = bills.filter(dwelling__building__code=ctx.building)
    fee_cols = [
        Col(_("building number"), lambda b: b.dwelling.building.code),
        Col(_("entrance"), lambda b: b.dwelling.entrance, INTEGER),
        Col(_("room"), lambda b: b.dwelling.room),
        Col(_("owner"), lambda b: b.owner.name),
        Col(_("owner's phone"), lambda b: ctx.phone(b.owner.phone)),
        Col(_("month"), lambda b: f"{b.year}-{b.month:02d}"),
        Col(_("counting area (m²)"), lambda b: b.area, DECIMAL),
        Col(_("fee standard (yuan per m² per month)"), lambda b: b.rate, MONEY),
        Col(_("amount (yuan)"), lambda b: b.amount, MONEY),
        Col(_("paid (yuan)"), lambda b: fund.cents(b.paid), MONEY),
        Col(_("owed (yuan)"), lambda b: fees.owed(b), MONEY),
        Col(_("due on"), lambda b: b.due_on, DATE),
        Col(_("days overdue"), lambda b: (ctx.today - b.due_on).days, INTEGER),
        Col(_("reminders"), lambda b: b.reminder_count, INTEGER),
        Col(_("last reminder"), lambda b: b.last_reminder, DATE),
    ]
    return [
        Sheet(
            pgettext_lazy("sheet", "Rent in arrears"),
            rent_cols,
            lambda: statuses,
            lambda: len(statuses),
            totals=lambda: _sums(
                rent_cols,
                statuses,
                (_g("rent due (yuan)"), _g("rent received (yuan)"), _g("arrears (yuan)")),
            ),
        ),
        Sheet(
            pgettext_lazy("sheet", "Property fees in arrears"),
            fee_cols,
            lambda: batched(bills),
            bills.count,
            totals=lambda: _sums(
                fee_cols,
                batched(bills),
                (_g("amount (yuan)"), _g("paid (yuan)"), _g("owed (yuan)")),
            ),
        ),
    ]


# --- a meeting's vote count --------------------------------------------------------------


def vote_sheets(ctx: ReportContext) -> list[Sheet]:
    meeting = selectors.meeting_get_for_user(user=ctx.user, pk=int(ctx.params["meeting"]))
    tally = selectors.meeting_tally(meeting=meeting)
    totals = tally.totals
    matters = dict(Matter.choices)

    def verdict(r):
        return _g("passed") if r.verdict.passed else _g("not passed")

    result_cols = [
        Col(_("number"), lambda r: r.motion.number, INTEGER),
        Col(_("motion"), lambda r: r.motion.title),
        Col(_("matter (Civil Code Art. 278)"), lambda r: r.motion.matter, INTEGER),
        Col(_("matter"), lambda r: str(matters[r.motion.matter])),
        Col(_("owners in the register"), lambda r: totals.total_owners, INTEGER),
        Col(_("area in the register (m²)"), lambda r: totals.total_area, DECIMAL),
        Col(_("voted: owners"), lambda r: r.voted_owners, INTEGER),
        Col(_("voted: area (m²)"), lambda r: r.voted_area, DECIMAL),
        Col(_("voted: share of owners (%)"), lambda r: r.voted_owners_pct, DECIMAL),
        Col(_("voted: share of area (%)"), lambda r: r.voted_area_pct, DECIMAL),
        Col(_("agree: owners"), lambda r: r.agreed_owners, INTEGER),
        Col(_("agree: area (m²)"), lambda r: r.agreed_area, DECIMAL),
        Col(_("agree: share of voting owners (%)"), lambda r: r.agreed_owners_pct, DECIMAL),
        Col(_("agree: share of voting area (%)"), lambda r: r.agreed_area_pct, DECIMAL),
        Col(_("oppose: owners"), lambda r: r.opposed_owners, INTEGER),
        Col(_("oppose: area (m²)"), lambda r: r.opposed_area, DECIMAL),
        Col(_("abstain: owners"), lambda r: r.abstained_owners, INTEGER),
        Col(_("abstain: area (m²)"), lambda r: r.abstained_area, DECIMAL),
        Col(_("quorum"), lambda r: _g("reached") if r.verdict.quorum else _g("not reached")),
        Col(_("result"), verdict),
        Col(_("rule applied"), lambda r: r.verdict.rule),
    ]
    basis = [
        (_g("meeting"), meeting.title),
        (_g("kind"), meeting.get_kind_display()),
        (_g("form"), meeting.get_form_display()),
        (_g("notice date"), meeting.notice_date),
        (_g("meeting date"), meeting.held_on),
        (_g("ballot collection closed"), yes_no(meeting.ballots_closed)),
        (_g("person owners in the register"), totals.person_owners),
        (_g("dwellings without an owner (together one owner)"), totals.unowned_dwellings),
        (_g("area of the dwellings without an owner (m²)"), totals.unowned_area),
        (_g("owners in the register"), totals.total_owners),
        (_g("area in the register (m²)"), totals.total_area),
        (_g("confirmed ballots not counted (no longer owners)"), tally.not_counted),
    ]
    basis_cols = [
        Col(_("figure"), lambda r: r[0]),
        Col(_("value"), lambda r: r[1]),
    ]
    sheets = [
        Sheet(
            pgettext_lazy("sheet", "Vote count"),
            result_cols,
            lambda: tally.results,
            lambda: len(tally.results),
        ),
        Sheet(
            pgettext_lazy("sheet", "Basis of the count"),
            basis_cols,
            lambda: [(k, v if isinstance(v, str) else str(v)) for k, v in basis],
            lambda: len(basis),
        ),
    ]
    if may_see_ballots(ctx.user):
        sheets.append(_ballot_sheet(ctx, meeting))
    return sheets


def _ballot_sheet(ctx: ReportContext, meeting) -> Sheet:
    """One row per ballot sheet of the meeting, with the owner's choice on each motion."""
    motions = list(meeting.motions.all())
    ballots = Ballot.objects.only("sheet_id", "motion_id", "choice")
    qs = (
        BallotSheet.objects.filter(meeting=meeting)
        .select_related("owner", "collected_by")
        .prefetch_related(Prefetch("ballots", queryset=ballots, to_attr="choice_list"))
    )
    counting: dict = {}
    choice_labels = {value: str(text) for value, text in Ballot.Choice.choices}

    def area(sheet):
        if not counting:
            owners = set(qs.values_list("owner_id", flat=True))
            counting.update(selectors.owner_areas(owner_ids=owners - {None}))
            counting[None] = selectors.register_totals().unowned_area
        return counting.get(sheet.owner_id)

    def choice(motion):
        def get(sheet):
            for ballot in sheet.choice_list:
                if ballot.motion_id == motion.pk:
                    return choice_labels[ballot.choice]
            return ""

        return get

    def owner_name(sheet):
        return sheet.owner.name if sheet.owner_id else _g("the unallocated dwellings")

    columns = [
        Col(_("owner"), owner_name),
        Col(_("ID number"), lambda s: ctx.id_number(s.owner.id_number) if s.owner_id else ""),
        Col(_("counting area (m²)"), area, DECIMAL),
        Col(_("status"), lambda s: label(s, "status")),
        Col(_("how it was collected"), lambda s: label(s, "source")),
        Col(_("collected by"), lambda s: s.collected_by.get_username()),
        Col(_("signed on"), lambda s: s.signed_on, DATE),
        *[
            Col(
                _("motion %(number)s: %(title)s") % {"number": m.number, "title": m.title},
                choice(m),
            )
            for m in motions
        ],
    ]
    return Sheet(
        pgettext_lazy("sheet", "Ballots per owner"), columns, lambda: batched(qs), qs.count
    )


REPORTS = [
    Report(
        "owners-ledger",
        _("Community fund ledger"),
        (),
        ledger_sheets,
        _(
            "Every income and spending of the year with its source (rent from the leases' "
            "payments, owners' fees from the fee payments), the balance by month, what each "
            "source paid for the property service."
        ),
        form_class=LedgerReportForm,
        can_run=fund.can_read_ledger,
        readers=_(
            "community staff, the owners' committee, the finance bureau and the "
            "poverty-alleviation office"
        ),
    ),
    Report(
        "owners-arrears",
        _("Rent and property fees in arrears"),
        (),
        arrears_sheets,
        _("Lease rent owed with the days overdue; owners' property fees owed with reminders."),
        can_run=can_run_arrears,
        readers=_("community staff, the owners' committee"),
    ),
    Report(
        "owners-vote",
        _("Vote count of a general meeting"),
        (),
        vote_sheets,
        _(
            "Per motion the totals and every figure behind the verdict with the rule applied; "
            "the ballots per owner for those who read the ballot sheets."
        ),
        form_class=MeetingReportForm,
        can_run=selectors.can_read,
        readers=_("community staff, the owners' committee"),
    ),
]
