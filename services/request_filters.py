import django_filters
from django.utils.translation import gettext_lazy as _

from buildings.models import Building
from community.models import Department

from .models import Category, ResidentRequest, State


class RequestFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("state"), choices=State.choices)
    category = django_filters.ChoiceFilter(label=_("category"), choices=Category.choices)
    building = django_filters.ModelChoiceFilter(
        label=_("building"), queryset=Building.objects.order_by("code")
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("responsible unit"), queryset=Department.objects.filter(is_active=True)
    )
    overdue = django_filters.ChoiceFilter(
        label=_("overdue"),
        choices=[("yes", _("overdue")), ("no", _("not overdue"))],
        method="filter_overdue",
    )

    class Meta:
        model = ResidentRequest
        fields = ["state", "category", "building", "unit", "overdue"]

    def __init__(self, *args, buildings=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if buildings is not None:
            self.filters["building"].queryset = buildings
        if units is not None:
            self.filters["unit"].queryset = units

    def filter_overdue(self, queryset, name, value):
        """Uses the ``overdue`` annotation of ``request_list_for_user``."""
        if value not in ("yes", "no"):
            return queryset
        return queryset.filter(overdue=value == "yes")
