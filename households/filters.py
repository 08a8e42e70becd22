import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.idnumbers import normalize_id_number, normalize_mobile

from .models import Household, Person, PovertyStatus


def _move_in_years():
    return [(y, str(y)) for y in range(2016, 2031)]


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Name, ID number, phone or household number"),
    )
    # A building number typed in, not a select: a province-wide registry has thousands.
    building = django_filters.CharFilter(
        label=_("building number"), field_name="dwelling__building__code", method="by_building"
    )
    poverty_status = django_filters.ChoiceFilter(
        label=_("poverty status"), choices=PovertyStatus.choices
    )
    move_in_year = django_filters.TypedChoiceFilter(
        label=_("move-in year"),
        field_name="move_in_date__year",
        choices=_move_in_years,
        coerce=int,
    )
    is_active = django_filters.BooleanFilter(label=_("lives here"))

    class Meta:
        model = Household
        fields = ["q", "building", "poverty_status", "move_in_year", "is_active"]

    def by_building(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(**{name: value}) if value else queryset

    def search(self, queryset, name, value):
        """What the user typed decides the lookups, each served by an index: a full ID
        number exactly; an 11-digit mobile number exactly (household's or a member's);
        otherwise a name exactly or by prefix (short Chinese names have no trigrams) or a
        household number by prefix, and the last digits of an ID number when digits."""
        value = value.strip()
        if not value:
            return queryset
        id_value = normalize_id_number(value)
        phone = normalize_mobile(value)
        if len(id_value) == 18:
            return queryset.filter(pk__in=_member_households(Q(id_number=id_value)))
        if phone.isdigit() and len(phone) == 11:
            return queryset.filter(
                Q(phone=phone) | Q(pk__in=_member_households(Q(phone=phone)))
            )
        member_q = Q(name__startswith=value)
        if len(id_value) >= 4 and id_value[:-1].isdigit():
            member_q |= Q(id_number__endswith=id_value)
        return queryset.filter(
            Q(number__startswith=value) | Q(pk__in=_member_households(member_q))
        )


def _member_households(condition):
    return Person.objects.filter(condition).values("household_id")
