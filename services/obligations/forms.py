import django_filters
from django.utils.translation import gettext_lazy as _

from services.obligations.rules import BUILDING_PATH


class RuleListFilter(django_filters.FilterSet):
    """The building filter of a rule's list (people or households): a building number
    typed in, not a select (a county-wide registry has thousands of buildings)."""

    building = django_filters.CharFilter(label=_("building number"))

    def __init__(self, *args, subject: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["building"].field_name = f"{BUILDING_PATH[subject]}__code"
