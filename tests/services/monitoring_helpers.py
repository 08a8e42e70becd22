"""Helpers of the monitoring tests: users of the town and county units, a threshold, and a
case taken through the steps up to a chosen one."""

import datetime
import io
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from community.models import Department, UserProfile
from community.roles import Role
from services.monitoring import services
from services.monitoring.models import IncomeThreshold, Source
from tests.households.factories import UserFactory

TODAY = timezone.localdate()
BASE = TODAY - datetime.timedelta(days=60)


def day(n: int) -> datetime.date:
    """``n`` days after the lead of the test cases (all in the past)."""
    return BASE + datetime.timedelta(days=n)


def unit_user(username, code, role=Role.SUPERVISOR):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=role.value))
    UserProfile.objects.create(user=user, department=Department.objects.get(code=code))
    return user


def threshold(amount="7500", year=None):
    return IncomeThreshold.objects.create(
        province="江西省", year=year or BASE.year, amount=Decimal(amount)
    )


def photo(name="signed.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def lead(household, user, on=None, fact="生病住院"):
    return services.lead_create(
        household=household,
        source=Source.SELF_REPORT,
        fact=fact,
        lead_on=on or BASE,
        reported_by=user,
    )


def through(
    case, *, staff, town, county, upto, income="5000", category="marginal", risks=("illness",)
):
    """Take ``case`` through the steps not yet done, up to and including ``upto``."""
    steps = ["home_check", "review", "notice", "town_review", "county_decision"]
    for step in steps[: steps.index(upto) + 1]:
        case.refresh_from_db()
        if case.steps.filter(step=step).exists():
            continue
        if step == "home_check":
            services.home_check_record(
                case=case,
                actor=staff,
                done_on=day(1),
                expected_version=case.version,
                authorisation=photo(),
                income_12m=Decimal(income),
            )
        elif step == "review":
            services.review_record(
                case=case,
                actor=staff,
                done_on=day(2),
                expected_version=case.version,
                category=category,
                risk_types=list(risks),
            )
        elif step == "notice":
            services.notice_record(
                case=case,
                actor=staff,
                done_on=day(3),
                notice_until=day(7),
                expected_version=case.version,
            )
        elif step == "town_review":
            services.town_review_record(
                case=case, actor=town, done_on=day(8), expected_version=case.version
            )
        else:
            services.county_decision_record(
                case=case, actor=county, done_on=day(10), expected_version=case.version
            )
    case.refresh_from_db()
    return case
