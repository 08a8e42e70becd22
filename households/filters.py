import re

import django_filters
from django.db.models import Q
from django.db.models.functions import Right
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.idnumbers import normalize_id_number, normalize_mobile

from .models import Household, Person, PovertyStatus


def _move_in_years():
    return [(str(y), str(y)) for y in range(2016, timezone.localdate().year + 2)]


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
    move_in_year = django_filters.ChoiceFilter(
        label=_("move-in year"), field_name="move_in_date__year", choices=_move_in_years
    )
    is_active = django_filters.ChoiceFilter(
        label=_("lives here"),
        choices=[("1", _("Lives here")), ("0", _("Moved out"))],
        empty_label=_("All"),
        method="by_active",
    )

    confirmed = django_filters.ChoiceFilter(
        label=_("confirmed by the leader"),
        choices=[("never", _("Never confirmed"))],
        empty_label=_("All"),
        method="by_confirmed",
    )

    class Meta:
        model = Household
        fields = ["q", "building", "poverty_status", "move_in_year", "is_active", "confirmed"]

    def by_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")

    def by_confirmed(self, queryset, name, value):
        """Households whose building leader has never confirmed their facts."""
        return queryset.filter(confirmed_at__isnull=True) if value == "never" else queryset

    def by_building(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(**{name: value}) if value else queryset

    def search(self, queryset, name, value):
        """What the user typed decides the one lookup made, so that an index serves it
        (an OR across tables would scan every household): a full ID number exactly; an
        11-digit mobile number exactly (the household's or a member's); Chinese characters
        as the start of a member's name (short Chinese names have no trigrams); the last
        four characters of an ID number (as the masked numbers show them) or the start of a
        household number."""
        value = value.strip()
        if not value:
            return queryset
        id_value = normalize_id_number(value)
        phone = normalize_mobile(value)
        if len(id_value) == 18:
            return queryset.filter(pk__in=_member_households(Q(id_number=id_value)))
        if phone.isdigit() and len(phone) == 11:
            # One IN over a UNION, not an OR: each half uses its phone index.
            with_phone = Household.objects.filter(phone=phone).order_by().values("pk")
            return queryset.filter(pk__in=_member_households(Q(phone=phone)).union(with_phone))
        if CJK.search(value):
            return queryset.filter(pk__in=_name_households(value))
        if LAST_FOUR.match(id_value):
            # One IN over a UNION, not an OR (which scans every household): the household
            # number's index and the index on the last four characters, each for its half.
            numbered = Household.objects.filter(number__startswith=value).order_by().values("pk")
            return queryset.filter(pk__in=_last_four_households(id_value).union(numbered))
        return queryset.filter(number__startswith=value)

    def matched_members(self, households) -> dict[int, list[Person]]:
        """The members of ``households`` (a page) that the search matched, by household id:
        one query, only when the search names people."""
        value = (self.form.cleaned_data.get("q") or "").strip() if self.is_bound else ""
        condition = member_condition(value)
        if condition is None or not households:
            return {}
        matched: dict[int, list[Person]] = {}
        members = Person.objects.filter(condition, household__in=[h.pk for h in households]).only(
            "pk", "household_id", "name", "relationship", "is_active"
        )  # what a row shows
        for person in members.order_by("household_id", "relationship", "pk"):
            matched.setdefault(person.household_id, []).append(person)
        return matched


def is_name_search(value: str) -> bool:
    """A search by a name or its start (Chinese characters): a surname can match tens of
    thousands of people, so its lists count at most ``NAME_SEARCH_COUNT_CAP`` rows."""
    return bool(CJK.search((value or "").strip()))


NAME_SEARCH_COUNT_CAP = 1000


def member_condition(value: str) -> Q | None:
    """The people a search term names (the lookups of ``HouseholdFilter.search``), or None
    when the term names a household (its number) rather than a person."""
    value = (value or "").strip()
    if not value:
        return None
    id_value = normalize_id_number(value)
    phone = normalize_mobile(value)
    if len(id_value) == 18:
        return Q(id_number=id_value)
    if phone.isdigit() and len(phone) == 11:
        return Q(phone=phone)
    if CJK.search(value):
        return Q(name__startswith=value)
    if LAST_FOUR.match(id_value):
        return Q(id_number__endswith=id_value)
    return None


class PersonFilter(django_filters.FilterSet):
    """The staff's people search: a name, an ID number (whole or its last four characters)
    or a mobile number, with the same lookups as the household search."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Name, ID number, its last four characters, or phone"),
    )
    is_active = django_filters.ChoiceFilter(
        label=_("lives here"),
        choices=[("1", _("Lives here")), ("0", _("Left"))],
        method="by_active",
    )

    class Meta:
        model = Person
        fields = ["q", "is_active"]

    def by_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        id_value = normalize_id_number(value)
        if LAST_FOUR.match(id_value) and not CJK.search(value):
            # RIGHT(id_number, 4) = …: served by the index on the last four characters.
            return queryset.annotate(id_last_four=Right("id_number", 4)).filter(
                id_last_four=id_value
            )
        condition = member_condition(value)
        if condition is None:
            return queryset.none()
        if CJK.search(value):
            # The list is in (name, id) order, which the name's own index gives; LIKE can
            # use only the varchar_pattern_ops index, whose order is not the list's, so
            # PostgreSQL walked the name index from its start, filtering each name (李:
            # 299,083 names passed over, 287 ms). Every name starting with the term sorts
            # at or after it: with the bound too, the walk starts there (2 ms).
            return queryset.filter(condition, name__gte=value)
        return queryset.filter(condition)


CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LAST_FOUR = re.compile(r"^[0-9]{3}[0-9X]$")


def _member_households(condition):
    return Person.objects.filter(condition).order_by().values("household_id")


NAME_KEYS_LIMIT = 2000


def _name_households(value):
    """The households of the people whose name starts with ``value``: as a list of keys,
    read first from the name index, when at most ``NAME_KEYS_LIMIT`` people have such a
    name; as a subquery otherwise (a surname). PostgreSQL estimates a Chinese name prefix
    poorly (9,385 people for 李发 at a million people, where 913 have it): given the
    subquery, the capped count (``LIMIT 1001``) walked all 995,176 people by household,
    expecting to stop early (187 ms under ``EXPLAIN ANALYZE``; the page took 165 ms, and
    24 ms given the keys, which tell it how many there are). The keys are only
    households' ids: the list's own scope still applies to them."""
    named = Person.objects.filter(name__startswith=value).order_by()
    # Counted from the name index alone (the names, not the rows: an index-only scan).
    if named.values("name")[: NAME_KEYS_LIMIT + 1].count() <= NAME_KEYS_LIMIT:
        return sorted(set(named.values_list("household_id", flat=True)))
    return _member_households(Q(name__startswith=value))


def _last_four_households(last_four):
    # RIGHT(id_number, 4) = …: the expression an index on the last four characters
    # (models.Index(Right("id_number", 4), ...)) serves.
    return (
        Person.objects.annotate(id_last_four=Right("id_number", 4))
        .filter(id_last_four=last_four)
        .order_by()
        .values("household_id")
    )
