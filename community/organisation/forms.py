from django import forms
from django.utils.translation import gettext_lazy as _

from .models import GOVERNING_KINDS, Organisation, Post, RecruitmentRound


class ApplicantForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        help_text=_("A resident's number links the application to the registry."),
    )
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    education = forms.CharField(label=_("education"), max_length=50, required=False)


class ApplicantDecisionForm(forms.Form):
    hired = forms.TypedChoiceField(
        label=_("result"),
        choices=[("1", _("Hired")), ("0", _("Not hired"))],
        coerce=lambda v: v == "1",
    )
    post = forms.ModelChoiceField(
        label=_("post taken"), queryset=Post.objects.none(), required=False
    )
    decided_on = forms.DateField(
        label=_("decided on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    started_on = forms.DateField(
        label=_("holds the post from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = round.posts.all()


class GroupHouseholdForm(forms.Form):
    number = forms.CharField(label=_("household number"), max_length=30)


class HoldingForm(forms.Form):
    post = forms.ModelChoiceField(
        label=_("post"), queryset=Post.objects.select_related("organisation")
    )
    name = forms.CharField(label=_("name"), max_length=50)
    phone = forms.CharField(label=_("contact phone"), max_length=20, required=False)
    started_on = forms.DateField(
        label=_("holds the post from"), widget=forms.DateInput(attrs={"type": "date"})
    )


class TermForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organisation.objects.filter(kind__in=GOVERNING_KINDS)
    )
    number = forms.IntegerField(label=_("term number"), min_value=1)
    member_count = forms.IntegerField(label=_("members elected"), min_value=1)
    starts_on = forms.DateField(
        label=_("term starts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("term ends"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the configured term length."),
    )


class PartyMemberForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=30)
    joined_on = forms.DateField(
        label=_("joined the party on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    branch = forms.ModelChoiceField(
        label=_("party branch"), queryset=Organisation.objects.filter(kind="party"), required=False
    )
    transferred_in = forms.BooleanField(
        label=_("organisation relationship transferred in"), required=False
    )
    transferred_on = forms.DateField(
        label=_("transferred on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class OrganisationMemberForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organisation.objects.exclude(kind__in=GOVERNING_KINDS)
    )
    id_number = forms.CharField(label=_("ID number"), max_length=30)
    role = forms.CharField(label=_("role"), max_length=50, required=False)
    joined_on = forms.DateField(
        label=_("joined on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class RecruitmentRoundForm(forms.ModelForm):
    class Meta:
        model = RecruitmentRound
        fields = ["title", "announced_on", "recruitment_date", "posts", "places", "age_limit"]
        widgets = {
            "announced_on": forms.DateInput(attrs={"type": "date"}),
            "recruitment_date": forms.DateInput(attrs={"type": "date"}),
            "posts": forms.CheckboxSelectMultiple,
        }
