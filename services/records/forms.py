"""Forms of the obligation records. The person is picked by full ID number or from one
household's members, never from a select over everyone; the unit that records is never a
form field for a department user (the service takes it from the user)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.db import models
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from core.idnumbers import normalize_id_number
from households.models import TrainingWillingness
from services.records.kinds import HOUSEHOLD, PERSON, RecordKind
from services.records.models import Allowance, LandRightEvent
from services.records.selectors import household_by_number, person_by_id_number
from services.records.services import LAND_EVENT_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _widgets(model, names):
    widgets = {}
    for name in names:
        field = model._meta.get_field(name)
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            widgets[name] = DATE_WIDGET
        elif isinstance(field, models.TextField):
            widgets[name] = forms.Textarea(attrs={"rows": 2})
    return widgets


def grid_helper(form, submit_label) -> FormHelper:
    """Fields three to a row (text areas and the hidden version on their own), one button."""
    helper = FormHelper()
    rows, current = [], []
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.Textarea | forms.HiddenInput):
            rows.append(name)
            continue
        current.append(Column(name, css_class="col-12 col-md-4"))
        if len(current) == 3:
            rows.append(Row(*current))
            current = []
    if current:
        rows.append(Row(*current))
    helper.layout = Layout(*sorted(rows, key=lambda r: isinstance(r, str)))
    helper.add_input(Submit("save", submit_label))
    return helper


def _members(household):
    return household.members.filter(is_active=True).order_by("relationship", "birth_date")


def _member_label(person):
    return f"{person.name}（{person.get_relationship_display()}，{person.masked_id_number}）"


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _member_label(obj)


class PickerMixin:
    """Adds the subject picker: ``person`` (one household's members) or ``id_number``
    (the full number) for people; ``household_number`` for households; ``unit`` for staff.
    After ``is_valid()``, ``subject_fields()`` holds what the service takes."""

    def setup_picker(
        self, *, subject, user, person=None, household=None, units=None, allowance=False
    ):
        self.user = user
        self._subject = subject
        self._household = household
        if units is not None:
            self.fields["unit"] = forms.ModelChoiceField(
                label=_("recording unit"),
                queryset=units,
                help_text=_("The responsible unit on whose behalf you record this."),
            )
        if subject == PERSON:
            if household is not None:
                self.fields["person"] = MemberChoiceField(
                    label=_("person"), queryset=_members(household), initial=person
                )
            else:
                self.fields["id_number"] = forms.CharField(
                    label=_("ID number"),
                    max_length=30,
                    help_text=_("The person's full 18-character ID number."),
                )
        elif subject == HOUSEHOLD:
            if household is None:
                self.fields["household_number"] = forms.CharField(
                    label=_("household number"), max_length=30
                )
        if allowance:
            if household is not None:
                self.fields["person"] = MemberChoiceField(
                    label=_("person (for personal assistance)"),
                    queryset=_members(household),
                    required=False,
                )
            else:
                self.fields["person_id_number"] = forms.CharField(
                    label=_("person's ID number (for personal assistance)"),
                    max_length=30,
                    required=False,
                )

    def picker_names(self):
        return [
            n
            for n in ("unit", "household_number", "id_number", "person", "person_id_number")
            if n in self.fields
        ]

    def clean_picker(self, cleaned):
        chosen = {}
        if "id_number" in self.fields and cleaned.get("id_number"):
            person = person_by_id_number(
                user=self.user, id_number=normalize_id_number(cleaned["id_number"])
            )
            if person is None:
                self.add_error(
                    "id_number",
                    _("Nobody in your scope has this ID number. Enter all 18 characters."),
                )
            else:
                chosen["person"] = person
        if "person" in self.fields and cleaned.get("person"):
            chosen["person"] = cleaned["person"]
        household = self._household
        if "household_number" in self.fields and cleaned.get("household_number"):
            household = household_by_number(
                user=self.user, number=cleaned["household_number"].strip()
            )
            if household is None:
                self.add_error(
                    "household_number", _("No household with this number in your scope.")
                )
        if self._subject == HOUSEHOLD and household is not None:
            chosen["household"] = household
        if "person_id_number" in self.fields and cleaned.get("person_id_number"):
            person = person_by_id_number(
                user=self.user, id_number=normalize_id_number(cleaned["person_id_number"])
            )
            if person is None or (household is not None and person.household_id != household.pk):
                self.add_error(
                    "person_id_number", _("No member of this household has this ID number.")
                )
            else:
                chosen["person"] = person
        self._chosen = chosen
        return cleaned

    def subject_fields(self) -> dict:
        return dict(self._chosen)

    def error_field(self, name: str) -> str | None:
        """Where a service error about ``name`` goes on this form."""
        if name in self.fields:
            return name
        aliases = {"person": ("person_id_number", "id_number"), "household": ("household_number",)}
        for alias in aliases.get(name, ()):
            if alias in self.fields:
                return alias
        return None


class RecordForm(PickerMixin, forms.Form):
    """Base of the per-kind forms made by ``record_form_class``."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        data=None,
        *,
        kind: RecordKind,
        user,
        instance=None,
        person=None,
        household=None,
        units=None,
    ):
        initial = model_to_dict(instance, fields=kind.fields) if instance is not None else None
        if instance is not None and kind.key == "allowance":
            initial["person"] = instance.person_id
        super().__init__(data, initial=initial)
        self.kind = kind
        self.instance = instance
        if instance is not None:
            self.fields["version"].initial = instance.version
            subject = None
            household = instance.household if kind.key == "allowance" else None
        else:
            subject = kind.subject
        self.setup_picker(
            subject=subject,
            user=user,
            person=person,
            household=household,
            units=units,
            allowance=kind.key == "allowance",
        )
        self.order_fields([*self.picker_names(), *kind.fields, "version"])
        self.helper = grid_helper(self, _("Save"))

    def clean(self):
        return self.clean_picker(super().clean())

    def record_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.kind.fields}
        return {**fields, **self.subject_fields()}

    def changed_record_fields(self) -> dict:
        names = [
            n
            for n in self.changed_data
            if n in self.kind.fields or (n == "person" and self.kind.key == "allowance")
        ]
        values = {n: self.cleaned_data[n] for n in names}
        if "person" in values:
            values["person"] = self.subject_fields().get("person")
        return values

    @property
    def expected_version(self):
        return self.cleaned_data.get("version") or self.instance.version


_FORM_CLASSES: dict[str, type] = {}


def record_form_class(kind: RecordKind) -> type:
    if kind.key not in _FORM_CLASSES:
        declared = fields_for_model(
            kind.model, fields=kind.fields, widgets=_widgets(kind.model, kind.fields)
        )
        if kind.key == "residencepermit":
            declared["valid_until"].required = False
            declared["valid_until"].help_text = _("Leave empty for one year after the issue date.")
        _FORM_CLASSES[kind.key] = type(f"{kind.model.__name__}Form", (RecordForm,), declared)
    return _FORM_CLASSES[kind.key]


class LandEventForm(forms.Form):
    def __init__(self, data=None, *, units=None):
        super().__init__(data)
        self.fields.update(
            fields_for_model(
                LandRightEvent,
                fields=LAND_EVENT_FIELDS,
                widgets=_widgets(LandRightEvent, LAND_EVENT_FIELDS),
            )
        )
        if units is not None:
            self.fields["unit"] = forms.ModelChoiceField(label=_("recording unit"), queryset=units)
            self.order_fields(["unit", *LAND_EVENT_FIELDS])
        self.helper = grid_helper(self, _("Save"))

    def event_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in LAND_EVENT_FIELDS}


class EndorseForm(forms.Form):
    endorsed_on = forms.DateField(label=_("endorsed on"), widget=DATE_WIDGET)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConvertForm(forms.Form):
    converted_on = forms.DateField(label=_("converted on"), widget=DATE_WIDGET)
    monthly_amount = forms.DecimalField(
        label=_("new monthly amount (yuan)"), max_digits=8, decimal_places=2, min_value=0
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, data=None, *, allowance: Allowance, units=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["version"].initial = allowance.version
        if units is not None:
            self.fields["unit"] = forms.ModelChoiceField(label=_("recording unit"), queryset=units)
            self.order_fields(["unit", "converted_on", "monthly_amount", "version"])
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Convert")))


class WillingnessForm(PickerMixin, forms.Form):
    training_willingness = forms.ChoiceField(
        label=_("willing to train"), choices=TrainingWillingness.choices, required=False
    )

    def __init__(self, data=None, *, user, person=None, household=None):
        super().__init__(
            data, initial={"training_willingness": person.training_willingness} if person else None
        )
        self.setup_picker(subject=PERSON, user=user, person=person, household=household)
        self.order_fields([*self.picker_names(), "training_willingness"])
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))

    def clean(self):
        return self.clean_picker(super().clean())
