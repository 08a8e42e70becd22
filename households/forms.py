from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from buildings.models import Dwelling
from core.idnumbers import (
    mask_document_number,
    normalize_id_number,
    normalize_mobile,
    parse_id_number,
)

from .models import Household, Person, PovertyCause


def _read_only_cell(label, value, help_text):
    """A labelled value in a form row where the field itself is not offered."""
    return HTML(
        format_html(
            '<div class="mb-3"><div class="form-label">{}</div>'
            '<p class="id-number form-control-plaintext mb-0">{}</p>'
            '<div class="form-text">{}</div></div>',
            label,
            value,
            help_text,
        )
    )


class VersionedForm(forms.ModelForm):
    """Carries the version the user loaded, so a stale edit is refused (core.versioning)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    @property
    def expected_version(self):
        return self.cleaned_data.get("version") or self.instance.version


class HouseholdForm(VersionedForm):
    """A household's facts. The dwelling is entered as building number + entrance + room and
    looked up in the form (one indexed query), so the form works the same with 30 or 300,000
    dwellings; a select over every dwelling would not."""

    building_code = forms.CharField(
        label=_("building number"),
        max_length=20,
        required=False,
        help_text=_("Leave building, entrance and room empty for dispersed resettlement."),
    )
    entrance = forms.IntegerField(label=_("entrance"), min_value=1, required=False)
    # Longer than the 11 digits stored: spaces and dashes typed in are removed by clean_phone.
    phone = forms.CharField(label=_("contact phone"), max_length=20, required=False)
    room = forms.CharField(label=_("room"), max_length=10, required=False)
    secondary_causes = forms.MultipleChoiceField(
        label=_("secondary causes"),
        choices=PovertyCause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    DWELLING_INPUTS = ("building_code", "entrance", "room")

    class Meta:
        model = Household
        fields = [
            "number",
            "origin_town",
            "origin_village",
            "relocation_mode",
            "move_in_date",
            "poverty_status",
            "main_cause",
            "secondary_causes",
            "monitoring_category",
            "phone",
            "notes",
        ]
        widgets = {
            "move_in_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, dwellings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.dwellings = dwellings if dwellings is not None else Dwelling.objects.all()
        dwelling = self.instance.dwelling if self.instance.pk else None
        if dwelling is not None:
            self.initial.update(
                building_code=dwelling.building.code, entrance=dwelling.entrance, room=dwelling.room
            )
        if self.instance.pk:
            self.fields["number"].disabled = True
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("number"), Column("building_code"), Column("entrance"), Column("room")),
            Row(Column("origin_town"), Column("origin_village"), Column("relocation_mode")),
            Row(Column("move_in_date"), Column("poverty_status"), Column("main_cause")),
            InlineCheckboxes("secondary_causes"),
            Row(Column("monitoring_category"), Column("phone")),
            "notes",
            "version",
            Submit("save", _("Save")),
        )

    def clean_phone(self):
        return normalize_mobile(self.cleaned_data.get("phone"))

    def clean(self):
        cleaned = super().clean()
        code = (cleaned.get("building_code") or "").strip()
        entrance = cleaned.get("entrance")
        room = (cleaned.get("room") or "").strip()
        cleaned["dwelling"] = None
        if not code and entrance is None and not room:
            return cleaned
        if not code:
            self.add_error("building_code", _("Enter the building number."))
        if entrance is None:
            self.add_error("entrance", _("Enter the entrance."))
        if not room:
            self.add_error("room", _("Enter the room."))
        if not (code and entrance is not None and room):
            return cleaned
        dwelling = (
            self.dwellings.select_related("building")
            .filter(building__code=code, entrance=entrance, room=room)
            .first()
        )
        if dwelling is None:
            self.add_error(
                "room",
                _("Building %(code)s has no room %(room)s in entrance %(entrance)s.")
                % {"code": code, "room": room, "entrance": entrance},
            )
        cleaned["dwelling"] = dwelling
        return cleaned

    def service_fields(self, *, changed_only: bool) -> dict:
        """The household fields for ``households.services``: the dwelling resolved from the
        three inputs, without the household number and the version."""
        names = self.changed_data if changed_only else list(self.cleaned_data)
        fields = {
            k: self.cleaned_data[k]
            for k in names
            if k not in ("number", "version", "dwelling", *self.DWELLING_INPUTS)
        }
        if not changed_only or any(k in self.changed_data for k in self.DWELLING_INPUTS):
            fields["dwelling"] = self.cleaned_data["dwelling"]
        return fields

    def embed(self):
        """Render inside a larger form: no <form> tag, no submit button of its own."""
        self.helper.form_tag = False
        self.helper.layout.fields = [
            f for f in self.helper.layout.fields if not isinstance(f, Submit)
        ]
        return self


class PersonForm(VersionedForm):
    # Longer than stored: spaces, dashes and full-width digits are normalised away in clean_*.
    id_number = forms.CharField(label=_("ID number"), max_length=30)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)

    class Meta:
        model = Person
        fields = [
            "relationship",
            "name",
            "id_number",
            "sex",
            "birth_date",
            "ethnicity",
            "education",
            "school_status",
            "health",
            "disability_certificate",
            "labour_capacity",
            "training_willingness",
            "months_worked",
            "phone",
            "hukou_status",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "sex": _("Leave empty to take it from the ID number."),
            "birth_date": _("Leave empty to take it from the ID number."),
        }

    def __init__(self, *args, show_full_id=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].required = False
        self.fields["birth_date"].required = False
        self.fields["sex"].choices = [("", "---------"), *Person._meta.get_field("sex").choices]
        id_column, certificate_column = Column("id_number"), Column("disability_certificate")
        if not show_full_id and self.instance.pk:
            # Without the permission the number is neither shown nor editable, nor is a
            # recorded disability certificate number (the ID number and two digits); each
            # is shown masked under its label. A certificate not yet recorded can be entered.
            del self.fields["id_number"]
            id_column = Column(
                _read_only_cell(
                    _("ID number"),
                    self.instance.masked_id_number,
                    _("Masked: only a user allowed to see full ID numbers can change it."),
                )
            )
            if self.instance.disability_certificate:
                del self.fields["disability_certificate"]
                certificate_column = Column(
                    _read_only_cell(
                        _("disability certificate number"),
                        mask_document_number(self.instance.disability_certificate),
                        _("Masked: only a user allowed to see full ID numbers can change it."),
                    )
                )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("name"), Column("relationship"), id_column),
            Row(Column("sex"), Column("birth_date"), Column("ethnicity")),
            Row(Column("education"), Column("school_status"), Column("health")),
            Row(Column("labour_capacity"), Column("training_willingness"), Column("months_worked")),
            Row(Column("phone"), Column("hukou_status"), certificate_column),
            "version",
            Submit("save", _("Save")),
            # The household page the form was opened from (in the template's context).
            HTML(
                format_html(
                    '<a class="btn btn-outline-secondary ms-2" id="cancel" '
                    'href="{{{{ household.get_absolute_url }}}}">{}</a>',
                    _("Cancel"),
                )
            ),
        )

    def clean_id_number(self):
        return normalize_id_number(self.cleaned_data.get("id_number"))

    def clean(self):
        """Sex and birth date left empty are taken from the ID number; entered, they must
        agree with it (``Person.clean`` says so, naming the field)."""
        cleaned = super().clean()
        number = cleaned.get("id_number") or (self.instance.id_number if self.instance.pk else "")
        try:
            info = parse_id_number(number)
        except ValidationError:
            return cleaned  # the ID number's own error is reported on its field
        if not cleaned.get("sex"):
            cleaned["sex"] = info.sex
        if not cleaned.get("birth_date"):
            cleaned["birth_date"] = info.birth_date
        return cleaned

    def clean_phone(self):
        return normalize_mobile(self.cleaned_data.get("phone"))


class HeadForm(PersonForm):
    """The head's facts on the new-household form (prefix ``head``)."""

    class Meta(PersonForm.Meta):
        fields = [f for f in PersonForm.Meta.fields if f != "relationship"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]  # a new person has no version to check yet
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("name"), Column("id_number"), Column("phone")),
            Row(Column("sex"), Column("birth_date"), Column("ethnicity")),
            Row(Column("education"), Column("health"), Column("labour_capacity")),
            Row(Column("school_status"), Column("training_willingness"), Column("hukou_status")),
            Row(Column("months_worked"), Column("disability_certificate")),
        )


class PersonLeaveForm(forms.Form):
    left_on = forms.DateField(label=_("left on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(
        label=_("reason for leaving"), choices=Person._meta.get_field("left_reason").choices
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
