"""Staff pages of the household representatives (户长) under /households/representatives/:
the list by building with the form to appoint one, and a representative's page where
households of the building are assigned and released and the term is ended."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buildings.selectors import buildings_for_user
from core.forms import add_service_errors
from households.representatives import selectors, services
from households.representatives.forms import AppointForm, AssignForm, EndForm

VIEW = "households.view_householdrepresentative"
MANAGE = "households.change_householdrepresentative"


def _require(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied


def representative_list(request):
    _require(request.user, VIEW)
    buildings = buildings_for_user(request.user).order_by("code")
    code = request.GET.get("building", "").strip()
    building = None
    if code:
        building = buildings.filter(code=code).first()
        if building is None:
            raise Http404
    reps = selectors.representative_list_for_user(
        request.user, current_only=request.GET.get("show") != "all"
    )
    if building is not None:
        reps = reps.filter(building=building)
    form = None
    if building is not None and request.user.has_perm(MANAGE):
        form = AppointForm(
            request.POST or None, residents=selectors.residents_of_building(building=building)
        )
        if request.method == "POST" and form.is_valid():
            try:
                rep = services.representative_appoint(
                    building=building, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s appointed household representative.") % {"name": rep.person.name},
                )
                return redirect(rep)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "households/representative_list.html",
        {
            "representatives": list(reps),
            "buildings": buildings,
            "building": building,
            "form": form,
            "show_all": request.GET.get("show") == "all",
        },
    )


def _detail(request, rep, *, assign_form=None, end_form=None):
    can_manage = request.user.has_perm(MANAGE) and rep.is_current
    if can_manage:
        assign_form = assign_form or AssignForm(
            households=selectors.unrepresented_households(building_ids=[rep.building_id])
        )
        end_form = end_form or EndForm()
    return render(
        request,
        "households/representative_detail.html",
        {
            "rep": rep,
            "can_manage": can_manage,
            "assign_form": assign_form,
            "end_form": end_form,
            "release_form": EndForm() if can_manage else None,
            "past": rep.assignments.filter(ended_on__isnull=False)
            .select_related("household")
            .order_by("-ended_on", "pk"),
        },
    )


def representative_detail(request, pk):
    _require(request.user, VIEW)
    rep = selectors.representative_get_for_user(user=request.user, pk=pk)
    return _detail(request, rep)


@require_POST
def representative_assign(request, pk):
    _require(request.user, VIEW)
    rep = selectors.representative_get_for_user(user=request.user, pk=pk)
    _require(request.user, MANAGE)
    form = AssignForm(
        request.POST, households=selectors.unrepresented_households(building_ids=[rep.building_id])
    )
    if form.is_valid():
        try:
            services.household_assign(representative=rep, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(rep)
    return _detail(request, rep, assign_form=form)


@require_POST
def representative_release(request, pk):
    _require(request.user, VIEW)
    rep = selectors.representative_get_for_user(user=request.user, pk=pk)
    _require(request.user, MANAGE)
    assignment = next(
        (a for a in rep.current if str(a.pk) == request.POST.get("assignment", "")), None
    )
    form = EndForm(request.POST)
    if assignment is None:
        messages.error(request, _("This household is not under this representative."))
    elif form.is_valid():
        try:
            services.household_release(
                assignment=assignment, ended_on=form.cleaned_data["ended_on"], actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(rep)


@require_POST
def representative_end(request, pk):
    _require(request.user, VIEW)
    rep = selectors.representative_get_for_user(user=request.user, pk=pk)
    _require(request.user, MANAGE)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.representative_end(
                representative=rep, ended_on=form.cleaned_data["ended_on"], actor=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The term has ended."))
            return redirect(rep)
    return _detail(request, rep, end_form=form)
