"""The page of a background job: its progress (polled with htmx), then its file."""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .jobs import job_get_for_user, job_kind


def _context(request, pk):
    job = job_get_for_user(user=request.user, pk=pk)
    return {"job": job, "kind": job_kind(job.kind)}


@never_cache
def job_detail(request, pk):
    return render(request, "core/job_detail.html", _context(request, pk))


@never_cache
def job_status(request, pk):
    """The progress part of the page, which htmx polls until the job has finished."""
    return render(request, "core/partials/_job_status.html", _context(request, pk))


@never_cache
def job_download(request, pk):
    """The result file, to the user who asked for it while they may still read it (the
    kind checks again: a report the user can no longer run is a 404); gone once expired."""
    job = job_get_for_user(user=request.user, pk=pk)
    if not job.has_file:
        raise Http404
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_name)
