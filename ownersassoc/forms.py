from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.idnumbers import normalize_id_number
from core.images import PhotoField

from .models import Ballot, Matter, OwnersMeeting

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OwnershipForm(forms.Form):
    """A dwelling's owner: the dwelling by building number + entrance + room, the owner by
    ID number (both looked up with one indexed query each, as the household form does)."""

    building_code = forms.CharField(label=_("building number"), max_length=20)
    entrance = forms.IntegerField(label=_("entrance"), min_value=1)
    room = forms.CharField(label=_("room"), max_length=10)
    id_number = forms.CharField(label=_("owner's ID number"), max_length=30)
    started_on = forms.DateField(label=_("owner from"), widget=DATE)
    certificate_number = forms.CharField(
        label=_("title certificate number"),
        max_length=50,
        required=False,
        help_text=_("Leave empty while the title is not yet registered."),
    )

    def __init__(self, *args, dwellings, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.dwellings, self.people = dwellings, people
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("building_code"), Column("entrance"), Column("room")),
            Row(Column("id_number"), Column("started_on"), Column("certificate_number")),
            Submit("save", _("Record the owner")),
        )

    def clean(self):
        cleaned = super().clean()
        code, entrance, room = (
            (cleaned.get("building_code") or "").strip(),
            cleaned.get("entrance"),
            (cleaned.get("room") or "").strip(),
        )
        if code and entrance and room:
            dwelling = self.dwellings.filter(
                building__code=code, entrance=entrance, room=room
            ).first()
            if dwelling is None:
                self.add_error(
                    "room",
                    _("There is no room %(room)s in entrance %(entrance)s of building %(code)s.")
                    % {"room": room, "entrance": entrance, "code": code},
                )
            cleaned["dwelling"] = dwelling
        number = normalize_id_number(cleaned.get("id_number") or "")
        if number:
            person = self.people.filter(id_number=number).first()
            if person is None:
                self.add_error("id_number", _("No resident has this ID number."))
            cleaned["owner"] = person
        return cleaned


class MeetingForm(forms.ModelForm):
    class Meta:
        model = OwnersMeeting
        fields = [
            "title",
            "kind",
            "form",
            "notice_date",
            "held_on",
            "copied_to_residents_committee",
            "requested_area",
            "requested_owners",
        ]
        widgets = {"notice_date": DATE, "held_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "title",
            Row(Column("kind"), Column("form")),
            Row(Column("notice_date"), Column("held_on")),
            "copied_to_residents_committee",
            Row(Column("requested_area"), Column("requested_owners")),
            Submit("save", _("Save")),
        )

    def _post_clean(self):
        # The service validates the model (with the register's totals): not the ModelForm.
        pass


class MotionForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    matter = forms.TypedChoiceField(
        label=_("matter (Civil Code Art. 278)"), choices=Matter.choices, coerce=int
    )
    text = forms.CharField(
        label=_("text of the motion"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("title", css_class="col-md-6"), Column("matter", css_class="col-md-6")),
            "text",
            Submit("add", _("Add the motion")),
        )


class SheetForm(forms.Form):
    """One signed form: a choice per motion (fields ``motion_<id>``), the signing date and,
    from the phone, the photo of the form."""

    signed_on = forms.DateField(label=_("signed on"), widget=DATE)

    def __init__(self, *args, motions, photo_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.motions = list(motions)
        for motion in self.motions:
            self.fields[f"motion_{motion.pk}"] = forms.ChoiceField(
                label=str(motion),
                choices=Ballot.Choice.choices,
                widget=forms.RadioSelect,
            )
        self.fields["photo"] = PhotoField(
            label=_("photo of the signed form"),
            required=photo_required,
            help_text=_("The form signed by the owner, taken with the phone camera."),
        )

    def choices(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"motion_{m.pk}"] for m in self.motions}


class StaffSheetForm(SheetForm):
    """A signed form entered by staff: the owner by ID number, or the unallocated group."""

    id_number = forms.CharField(label=_("owner's ID number"), max_length=30, required=False)
    unallocated = forms.BooleanField(
        label=_("the unallocated dwellings (one owner together)"), required=False
    )
    field_order = ["id_number", "unallocated", "signed_on"]

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, photo_required=False, **kwargs)
        self.people = people
        self.order_fields(self.field_order)

    def clean(self):
        cleaned = super().clean()
        number = normalize_id_number(cleaned.get("id_number") or "")
        if cleaned.get("unallocated"):
            if number:
                raise ValidationError(
                    _("Give either an owner's ID number or the unallocated dwellings, not both.")
                )
            cleaned["owner"] = None
        elif not number:
            self.add_error("id_number", _("Give the owner's ID number."))
        else:
            person = self.people.filter(id_number=number).first()
            if person is None:
                self.add_error("id_number", _("No resident has this ID number."))
            cleaned["owner"] = person
        return cleaned

    def error_field(self, name):
        return "id_number" if name == "owner" else (name if name in self.fields else None)


class RejectForm(forms.Form):
    rejection_reason = forms.CharField(label=_("reason for rejection"), max_length=200)


def _motion_label(motion):
    return f"{motion.meeting.title} · {motion}"


class PeopleByIdNumbersField(forms.CharField):
    """ID numbers, one a line (or separated by commas), resolved to people by the form."""

    widget = forms.Textarea(attrs={"rows": 6})

    def to_python(self, value):
        value = super().to_python(value) or ""
        return [
            normalize_id_number(p)
            for p in value.replace(",", "\n").replace("，", "\n").splitlines()
            if p.strip()
        ]


class CommitteeElectForm(forms.Form):
    elected_on = forms.DateField(label=_("elected on"), widget=DATE)
    term_ends_on = forms.DateField(label=_("term ends on"), widget=DATE)
    elected_by = forms.ModelChoiceField(
        label=_("elected by the motion"), queryset=None, required=False
    )
    members = PeopleByIdNumbersField(
        label=_("members' ID numbers"), help_text=_("One ID number a line: 5 to 11 members.")
    )

    def __init__(self, *args, motions, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["elected_by"].queryset = motions
        self.fields["elected_by"].label_from_instance = _motion_label
        self.people = people

    def clean_members(self):
        numbers = self.cleaned_data["members"]
        found = {p.id_number: p for p in self.people.filter(id_number__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise ValidationError(
                _("No resident has these ID numbers: %(numbers)s") % {"numbers": ", ".join(missing)}
            )
        return [found[n] for n in numbers]

    def error_field(self, name):
        return "members" if name == "people" else (name if name in self.fields else None)


class FirstMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("first meeting on"), widget=DATE)
    chair = forms.ModelChoiceField(label=pgettext_lazy("owners committee", "Chair"), queryset=None)
    vice_chair = forms.ModelChoiceField(label=_("Vice-chair"), queryset=None)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = members
        self.fields["vice_chair"].queryset = members


class FilingForm(forms.Form):
    filed_housing_on = forms.DateField(
        label=_("filed with the county housing department on"), widget=DATE, required=False
    )
    filed_town_on = forms.DateField(label=_("filed with the town on"), widget=DATE, required=False)


class CommitteeMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("meeting date"), widget=DATE)
    present = forms.ModelMultipleChoiceField(
        label=_("members present"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.CharField(label=_("minutes"), widget=forms.Textarea(attrs={"rows": 4}))
    resolution = forms.CharField(label=_("resolution"), max_length=200, required=False)
    in_favour = forms.ModelMultipleChoiceField(
        label=_("members in favour"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = members
        self.fields["in_favour"].queryset = members

    def resolutions(self):
        title = self.cleaned_data.get("resolution") or ""
        return [(title, list(self.cleaned_data.get("in_favour") or []))] if title.strip() else []

    def error_field(self, name):
        return "resolution" if name == "resolutions" else (name if name in self.fields else None)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("document"), choices=[])
    adopted_by = forms.ModelChoiceField(label=_("adopted by the motion"), queryset=None)
    text = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args, motions, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import GoverningDocument

        self.fields["kind"].choices = GoverningDocument.Kind.choices
        self.fields["adopted_by"].queryset = motions
        self.fields["adopted_by"].label_from_instance = _motion_label


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    uscc = forms.CharField(label=_("unified social credit code"), max_length=30)
    contact_person = forms.CharField(label=_("contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("contact phone"), max_length=20, required=False)


class ContractForm(forms.Form):
    company = forms.ModelChoiceField(label=_("property company"), queryset=None)
    hired_by = forms.ModelChoiceField(label=_("hired by the motion"), queryset=None, required=False)
    scope = forms.MultipleChoiceField(
        label=_("scope"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    started_on = forms.DateField(label=_("contract starts"), widget=DATE)
    ended_on = forms.DateField(label=_("contract ends"), widget=DATE)
    fee_per_m2_month = forms.DecimalField(
        label=_("fee standard (yuan per m² per month)"), max_digits=6, decimal_places=2, min_value=0
    )
    market_terms_from = forms.DateField(
        label=_("market terms from"),
        widget=DATE,
        required=False,
        help_text=_("Until this date the county buys the service; empty: the county pays."),
    )

    def __init__(self, *args, companies, motions, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import ServiceScope

        self.fields["company"].queryset = companies
        self.fields["hired_by"].queryset = motions
        self.fields["hired_by"].label_from_instance = _motion_label
        self.fields["scope"].choices = ServiceScope.choices


class EvaluationForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("quarter"), choices=[(q, f"Q{q}") for q in range(1, 5)], coerce=int
    )
    problems = forms.CharField(
        label=_("problems found"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    follow_ups = forms.CharField(
        label=_("follow-ups"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import ServiceScope

        self.items = list(contract.scope)
        for item in self.items:
            self.fields[f"score_{item}"] = forms.IntegerField(
                label=_("score: %(item)s") % {"item": ServiceScope(item).label},
                min_value=0,
                max_value=100,
            )
        self.order_fields(["year", "quarter", *[f"score_{i}" for i in self.items]])

    def scores(self) -> dict[str, int]:
        return {item: self.cleaned_data[f"score_{item}"] for item in self.items}


class LinkRequestForm(forms.Form):
    request = forms.ModelChoiceField(label=_("property-service request"), queryset=None)

    def __init__(self, *args, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request"].queryset = requests
        self.fields["request"].label_from_instance = lambda r: (
            f"#{r.pk} {r.building} {r.filed_at:%Y-%m-%d} {r.description[:30]}"
        )


class FundEntryForm(forms.Form):
    entry_on = forms.DateField(label=_("date"), widget=DATE)
    direction = forms.ChoiceField(label=_("income or expense"), choices=[])
    source = forms.ChoiceField(
        label=pgettext_lazy("fund", "source"),
        choices=[],
        help_text=_("For income: where it came from; for an expense: what paid for it."),
    )
    expense = forms.ChoiceField(label=_("kind of spending"), choices=[], required=False)
    amount = forms.DecimalField(label=_("amount (yuan)"), max_digits=12, decimal_places=2)
    description = forms.CharField(label=_("description"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import FundEntry, FundExpense, FundSource

        self.fields["direction"].choices = FundEntry.Direction.choices
        self.fields["source"].choices = FundSource.choices
        self.fields["expense"].choices = [("", "—"), *FundExpense.choices]


class FeeIssueForm(forms.Form):
    contract = forms.ModelChoiceField(label=_("service contract"), queryset=None)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("month"), min_value=1, max_value=12)

    def __init__(self, *args, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts


class FeePaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("paid on"), widget=DATE)
    amount = forms.DecimalField(label=_("amount (yuan)"), max_digits=9, decimal_places=2)


class FeeReminderForm(forms.Form):
    sent_on = forms.DateField(label=_("reminded on"), widget=DATE)
    method = forms.ChoiceField(label=_("how"), choices=[])
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import FeeReminder

        self.fields["method"].choices = FeeReminder.Method.choices


class BallotImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_(
            "First row: 身份证号, 议题1, 议题2, …; one row per owner with 同意, 反对 or 弃权."
        ),
    )
