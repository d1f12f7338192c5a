"""``/cong-viec/``: a user's jobs (an administrator sees everyone's), one job's progress bar that
updates itself (htmx polling of the same address), its result, its file and its error."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from khuyencong.core import jobs
from khuyencong.core.generic import workspace_required
from khuyencong.core.models import Job
from khuyencong.core.parsing import parse_id
from khuyencong.core.permissions import get_scope

POLL_SECONDS = 1


def _visible_job(request, pk: str) -> Job:
    number = parse_id(pk)
    job = (
        Job.objects.visible_to(request.user).select_related("owner").filter(pk=number).first()
        if number
        else None
    )
    if job is None:
        raise Http404(_("No such job."))
    if job.state == Job.State.RUNNING and jobs.fail_stale(Job.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    return jobs.live_progress(job)


@workspace_required
def job_list(request):
    scope = get_scope(request.user)
    queryset = Job.objects.visible_to(request.user).select_related("owner")
    running = [job.pk for job in queryset.filter(state=Job.State.RUNNING)[:50]]
    if running:
        jobs.fail_stale(Job.objects.filter(pk__in=running))
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/job_list.html",
        {
            "page_obj": page,
            "jobs": [jobs.live_progress(job) for job in page.object_list],
            "all_users": scope.is_admin,
        },
    )


@workspace_required
def job_detail(request, pk: str):
    job = _visible_job(request, pk)
    context = {"job": job, "poll_seconds": POLL_SECONDS, "all_users": get_scope(request.user).is_admin}
    if getattr(request, "htmx", False):
        return render(request, "core/job_status.html", context)
    return render(request, "core/job_detail.html", context)


@workspace_required
def job_file(request, pk: str):
    job = _visible_job(request, pk)
    if job.state != Job.State.DONE or not job.result_file:
        raise Http404(_("This job has no file."))
    try:
        handle = job.result_file.open("rb")
    except OSError as error:
        raise Http404(_("The job's file is no longer kept.")) from error
    return FileResponse(handle, as_attachment=True, filename=job.result_filename or job.result_file.name)
