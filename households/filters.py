import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from buildings.models import Building
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
    building = django_filters.ModelChoiceFilter(
        label=_("building"),
        field_name="dwelling__building",
        queryset=Building.objects.order_by("code"),
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

    def __init__(self, *args, buildings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if buildings is not None:
            self.filters["building"].queryset = buildings

    def search(self, queryset, name, value):
        """Exact matches use the unique and btree indexes: a full ID number or phone is
        looked up exactly, a name exactly or by prefix (DESIGN: short Chinese names have
        no trigrams), a household number by prefix."""
        value = value.strip()
        if not value:
            return queryset
        id_value = normalize_id_number(value)
        phone = normalize_mobile(value)
        member_q = Q(name=value) | Q(name__startswith=value)
        if len(id_value) == 18:
            member_q |= Q(id_number=id_value)
        elif len(id_value) >= 4 and id_value[:-1].isdigit():
            member_q |= Q(id_number__endswith=id_value)
        if phone.isdigit() and len(phone) == 11:
            member_q |= Q(phone=phone)
        members = Person.objects.filter(member_q, household=OuterRef("pk"))
        household_q = Q(number__startswith=value) | Exists(members)
        if phone.isdigit() and len(phone) == 11:
            household_q |= Q(phone=phone)
        return queryset.filter(household_q)
