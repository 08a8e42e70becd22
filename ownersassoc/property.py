"""The property service: the company, its contract, the committee's quarterly evaluations
and the residents' requests (category 物业服务) linked to the contract. Reads and writes."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from services.requests.models import Category, ResidentRequest
from services.requests.selectors import requests_for_user

from .committee import _motion_passed
from .models import (
    ContractEvaluation,
    ContractRequest,
    Matter,
    Motion,
    PropertyCompany,
    ServiceContract,
    ServiceScope,
)
from .selectors import can_read

# Reads -----------------------------------------------------------------------------------


def contracts_for_user(user):
    if not can_read(user):
        return ServiceContract.objects.none()
    return ServiceContract.objects.select_related("company", "hired_by__meeting").annotate(
        evaluation_count=Count("evaluations", distinct=True),
        request_count=Count("request_links", distinct=True),
    )


def contract_get_for_user(*, user, pk: int) -> ServiceContract:
    links = ContractRequest.objects.select_related("request").order_by("-request__filed_at")
    try:
        return (
            contracts_for_user(user)
            .prefetch_related(
                Prefetch(
                    "evaluations", queryset=ContractEvaluation.objects.order_by("year", "quarter")
                ),
                Prefetch("request_links", queryset=links),
            )
            .get(pk=pk)
        )
    except ServiceContract.DoesNotExist:
        raise Http404 from None


def evaluation_trend(contract: ServiceContract) -> list[dict]:
    """Each quarter's average with the change from the quarter before (prefetched rows)."""
    rows, previous = [], None
    for evaluation in contract.evaluations.all():
        change = None if previous is None else evaluation.average - previous
        rows.append({"evaluation": evaluation, "change": change})
        previous = evaluation.average
    return rows


def request_closing_figures(contract: ServiceContract) -> dict:
    """How many linked requests, how many closed, and the mean days from filing to closing."""
    links = list(contract.request_links.all())
    closed = [link.request for link in links if link.request.closed_at]
    seconds = [_seconds(r.closed_at - r.filed_at) for r in closed]
    mean_days = None
    if seconds:
        mean_days = (Decimal(sum(seconds)) / len(seconds) / 86400).quantize(Decimal("0.1"))
    return {"linked": len(links), "closed": len(closed), "mean_days": mean_days}


def _seconds(delta: datetime.timedelta) -> int:
    return delta.days * 86400 + delta.seconds


def linkable_requests(*, user):
    """Property-service requests the user may read that no contract claims yet."""
    return (
        requests_for_user(user)
        .filter(category=Category.PROPERTY, contract_link__isnull=True)
        .select_related("building")
        .order_by("-filed_at")
    )


# Writes ----------------------------------------------------------------------------------


def company_create(
    *, name: str, uscc: str, contact_person: str = "", contact_phone: str = ""
) -> PropertyCompany:
    company = PropertyCompany(
        name=name.strip(),
        uscc=uscc.strip().replace(" ", "").upper(),
        contact_person=contact_person.strip(),
        contact_phone=contact_phone.strip(),
    )
    company.full_clean()
    company.save()
    return company


@transaction.atomic
def contract_create(
    *,
    company: PropertyCompany,
    scope: list[str],
    started_on: datetime.date,
    ended_on: datetime.date,
    fee_per_m2_month: Decimal,
    hired_by: Motion | None = None,
    market_terms_from: datetime.date | None = None,
) -> ServiceContract:
    """A contract, hired by a passed motion on matter 4 when one is given."""
    if hired_by is not None:
        if hired_by.matter != Matter.PROPERTY_COMPANY:
            raise ValidationError(
                {"hired_by": _("The motion must be on hiring the property company.")}
            )
        if not _motion_passed(hired_by):
            raise ValidationError({"hired_by": _("This motion did not pass.")})
    if ended_on <= started_on:
        raise ValidationError({"ended_on": _("The contract must end after it starts.")})
    contract = ServiceContract(
        company=company,
        hired_by=hired_by,
        scope=list(scope),
        started_on=started_on,
        ended_on=ended_on,
        fee_per_m2_month=fee_per_m2_month,
        market_terms_from=market_terms_from,
    )
    contract.full_clean()
    contract.save()
    return contract


def evaluation_record(
    *,
    contract: ServiceContract,
    year: int,
    quarter: int,
    scores: dict[str, int],
    problems: str = "",
    follow_ups: str = "",
    user,
) -> ContractEvaluation:
    """A score of 0–100 for each item of the contract's scope, nothing else."""
    errors: dict[str, list[str]] = {}
    for item in contract.scope:
        value = scores.get(item)
        if value is None or not 0 <= value <= 100:
            errors[f"score_{item}"] = [
                _("%(item)s: give a score from 0 to 100.") % {"item": ServiceScope(item).label}
            ]
    extra = set(scores) - set(contract.scope)
    if extra:
        errors["scores"] = [_("Only the items of the contract's scope are scored.")]
    if errors:
        raise ValidationError(errors)
    kept = {item: int(scores[item]) for item in contract.scope}
    average = (Decimal(sum(kept.values())) / len(kept)).quantize(Decimal("0.01"))
    evaluation = ContractEvaluation(
        contract=contract,
        year=year,
        quarter=quarter,
        scores=kept,
        average=average,
        problems=problems.strip(),
        follow_ups=follow_ups.strip(),
        evaluated_by=user,
    )
    evaluation.full_clean()
    evaluation.save()
    return evaluation


def contract_request_link(
    *, contract: ServiceContract, request: ResidentRequest, user
) -> ContractRequest:
    if request.category != Category.PROPERTY:
        raise ValidationError({"request": _("Only a property-service request can be linked.")})
    try:
        with transaction.atomic():
            return ContractRequest.objects.create(
                contract=contract, request=request, linked_by=user
            )
    except IntegrityError:
        raise ValidationError(
            {"request": _("This request is already linked to a contract.")}
        ) from None
