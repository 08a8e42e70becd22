import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from community.models import Department
from core.idnumbers import normalize_id_number
from households.models import Person
from services.records.kinds import HOUSEHOLD, RecordKind

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class RecordFilter(django_filters.FilterSet):
    """Filters of a record list: building number, date range on the kind's own date, search by
    name or full ID number (household number too for household records), the kind's main
    choice and the unit that recorded it. Built per kind by ``record_filter``."""

    q = django_filters.CharFilter(
        label=_("Search"), method="search", help_text=_("Name or full ID number")
    )

    def __init__(self, data=None, queryset=None, *, kind: RecordKind, **kwargs):
        self.kind = kind
        super().__init__(data, queryset=queryset, **kwargs)
        prefix = "household__" if kind.subject == HOUSEHOLD else "person__household__"
        # A building number typed in, not a select: a county-wide registry has thousands.
        self.filters["building"] = django_filters.CharFilter(
            label=_("building number"), field_name=f"{prefix}dwelling__building__code"
        )
        date_path = (
            f"{kind.date_field}__date" if kind.date_field == "recorded_at" else kind.date_field
        )
        date_label = kind.model._meta.get_field(kind.date_field).verbose_name
        self.filters["date_from"] = django_filters.DateFilter(
            label=_("earliest %(field)s") % {"field": date_label},
            field_name=date_path,
            lookup_expr="gte",
            widget=DATE_INPUT,
        )
        self.filters["date_to"] = django_filters.DateFilter(
            label=_("latest %(field)s") % {"field": date_label},
            field_name=date_path,
            lookup_expr="lte",
            widget=DATE_INPUT,
        )
        if kind.choice_filter:
            field = kind.model._meta.get_field(kind.choice_filter)
            self.filters["choice"] = django_filters.ChoiceFilter(
                label=field.verbose_name, field_name=kind.choice_filter, choices=field.choices
            )
        self.filters["unit"] = django_filters.ModelChoiceFilter(
            label=_("recorded by unit"),
            field_name="recorded_unit",
            queryset=Department.objects.filter(code__in=kind.units),
        )

    def search(self, queryset, name, value):
        """Exact and prefix matches only, on indexed columns: a full ID number, a name
        exactly or by prefix, a household number by prefix."""
        value = value.strip()
        if not value:
            return queryset
        id_value = normalize_id_number(value)
        person_q = Q(name=value) | Q(name__startswith=value)
        if len(id_value) == 18:
            person_q = Q(id_number=id_value)
        if self.kind.subject == HOUSEHOLD:
            members = Person.objects.filter(person_q, household=OuterRef("household_id"))
            return queryset.filter(Q(household__number__startswith=value) | Exists(members))
        return queryset.filter(person__in=Person.objects.filter(person_q))
