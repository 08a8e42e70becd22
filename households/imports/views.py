"""The staff pages of the roster import: the template, the upload, the batch page (progress
of the check, then the preview and the confirmation, then the write's progress)."""

import os
import tempfile

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from core.jobs import job_start
from core.paging import CappedPaginator

from . import selectors
from .forms import UploadForm
from .models import ImportBatch
from .services import batch_create
from .workbooks import write_template


def import_list(request):
    batches = selectors.import_batches_for_user(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            batch = batch_create(
                user=request.user,
                upload=form.cleaned_data["file"],
                create_dwellings=form.cleaned_data["create_dwellings"],
                apply_moves=form.cleaned_data["apply_moves"],
            )
            batch.validate_job = job_start(
                kind="household_import_check", user=request.user, params={"batch": batch.pk}
            )
            batch.save(update_fields=["validate_job"])
        return redirect(batch)
    page = CappedPaginator(batches, 20).get_page(request.GET.get("page"))
    return render(request, "households/import_list.html", {"form": form, "page": page})


def import_template(request):
    selectors.require_importer(request.user)
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    write_template(path)
    response = FileResponse(open(path, "rb"), as_attachment=True, filename="户籍名单导入模板.xlsx")
    os.unlink(path)  # the open handle keeps the data until the response is sent
    return response


def _job(batch):
    return batch.write_job if batch.write_job_id else batch.validate_job


@never_cache
def import_detail(request, pk):
    batch = selectors.import_batch_get_for_user(user=request.user, pk=pk)
    return render(request, "households/import_detail.html", {"batch": batch, "job": _job(batch)})


@never_cache
def import_status(request, pk):
    """Polled by htmx while a job of the batch runs; reloads the page once it has ended."""
    batch = selectors.import_batch_get_for_user(user=request.user, pk=pk)
    job = _job(batch)
    if job is None or job.is_finished:
        return HttpResponseClientRefresh()
    return render(
        request, "households/partials/_import_progress.html", {"batch": batch, "job": job}
    )


@require_POST
def import_confirm(request, pk):
    batch = selectors.import_batch_get_for_user(user=request.user, pk=pk)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportBatch.Status.VALID:
            raise Http404
        batch.status = ImportBatch.Status.WRITING
        batch.write_job = job_start(
            kind="household_import_write", user=request.user, params={"batch": batch.pk}
        )
        batch.save(update_fields=["status", "write_job"])
    messages.info(request, _("The import has started."))
    return redirect(batch)
