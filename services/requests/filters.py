import django_filters
from django.utils.translation import gettext_lazy as _

from community.models import Department
from services.requests.models import OPEN_STATES, Category, ResidentRequest, State

# The queue opens on the requests still to be dealt with; closed ones are one choice away.
OPEN = "open"
STATE_CHOICES = [(OPEN, _("Open (not yet resolved)"))] + list(State.choices)


class RequestFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("state"), choices=STATE_CHOICES, method="filter_state", empty_label=_("All")
    )
    category = django_filters.ChoiceFilter(label=_("category"), choices=Category.choices)
    # A building number typed in, not a select: a county-wide registry has thousands.
    building = django_filters.CharFilter(label=_("building number"), field_name="building__code")
    unit = django_filters.ModelChoiceFilter(
        label=_("responsible unit"), queryset=Department.objects.filter(is_active=True)
    )
    overdue = django_filters.ChoiceFilter(
        label=_("overdue"),
        choices=[("yes", _("overdue")), ("no", _("not overdue"))],
        method="filter_overdue",
    )

    filed_from = django_filters.DateFilter(
        label=_("filed from"), field_name="filed_at", lookup_expr="date__gte"
    )

    class Meta:
        model = ResidentRequest
        fields = ["state", "category", "building", "unit", "overdue", "filed_from"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.filters["unit"].queryset = units

    def filter_state(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(state__in=OPEN_STATES)
        return queryset.filter(state=value) if value else queryset

    def filter_overdue(self, queryset, name, value):
        """Uses the ``overdue`` annotation of ``request_list_for_user``."""
        if value not in ("yes", "no"):
            return queryset
        return queryset.filter(overdue=value == "yes")
