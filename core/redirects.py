"""Where to go back to after a post: the ``next`` of the form or query, when it is a path of
this site, else the default."""

from django.utils.http import url_has_allowed_host_and_scheme


def local_next(request, default: str) -> str:
    """``next`` (POST first, then GET) when it is a local path ("/…"), else ``default``.
    Anything else (another site, a scheme, a bare word such as ``'><img…>`` that
    ``redirect`` would take for a view name and fail on) gives the default."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return default
