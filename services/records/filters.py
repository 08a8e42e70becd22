import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
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
        date_label = kind.model._meta.get_field(kind.date_field).verbose_name
        self.filters["date_from"] = django_filters.DateFilter(
            label=_("earliest %(field)s") % {"field": date_label},
            method=self.date_from,
            widget=DATE_INPUT,
        )
        self.filters["date_to"] = django_filters.DateFilter(
            label=_("latest %(field)s") % {"field": date_label},
            method=self.date_to,
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

    def date_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.kind.date_field}__gte": self._bound(value)})

    def date_to(self, queryset, name, value):
        if self.kind.date_field == "recorded_at":
            day_after = value + datetime.timedelta(days=1)
            return queryset.filter(recorded_at__lt=self._bound(day_after))
        return queryset.filter(**{f"{self.kind.date_field}__lte": value})

    def _bound(self, day):
        """A day as its field compares it: the moment it starts in the local time zone for
        the time of recording (``recorded_at__date`` would cast every row's time, which no
        index serves), the day itself for a date."""
        if self.kind.date_field != "recorded_at":
            return day
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

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
