"""The audit log page: administrators and supervisors read who viewed full ID numbers,
exported or imported data, logged in or changed their password; filterable by user, action
and person (a full ID number or a person's pk)."""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from community.roles import Role, has_role
from core.idnumbers import normalize_id_number
from core.models import AuditLog
from core.paging import CappedPaginator
from households import selectors as registry

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("user name"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("action"), required=False, choices=[("", _("(all)"))] + AuditLog.Action.choices
    )
    person = forms.CharField(label=_("person (full ID number)"), required=False, max_length=30)


def may_read_audit_log(user) -> bool:
    return user.is_superuser or has_role(user, Role.ADMINISTRATOR, Role.SUPERVISOR)


def audit_entries(*, user=None, action=None, person=None):
    """Entries, newest first; ``person`` narrows to views of that person and of their
    household."""
    entries = AuditLog.objects.select_related("user").order_by("-at", "-pk")
    if user:
        entries = entries.filter(user__username=user)
    if action:
        entries = entries.filter(action=action)
    if person is not None:
        entries = entries.filter(
            Q(target=f"person {person.pk}") | Q(target=f"household {person.household_id}")
        )
    return entries


def audit_log_page(request):
    if not may_read_audit_log(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    entries = AuditLog.objects.none()
    if form.is_bound and not form.is_valid():
        pass
    else:
        data = form.cleaned_data if form.is_bound else {}
        person = None
        number = normalize_id_number(data.get("person", ""))
        if number:
            person = registry.people_for_user(request.user).filter(id_number=number).first()
            if person is None:
                form.add_error("person", _("No person has this ID number."))
        if not form.errors:
            entries = audit_entries(user=data.get("user"), action=data.get("action"), person=person)
    page = CappedPaginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "keep_days": settings.AUDIT_KEEP_DAYS,
        },
    )
