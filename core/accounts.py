"""Accounts: every login is written to the audit log (time and address), and the user is
told when and from where they last logged in, so that a login they did not make shows."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import PasswordChangeView
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_log
from .models import AuditLog

SESSION_LAST_SEEN = "last_seen"


@receiver(user_logged_in, dispatch_uid="core.accounts.record_login")
def record_login(sender, request, user, **kwargs):
    if request is None:
        return
    if hasattr(request, "session"):
        request.session[SESSION_LAST_SEEN] = timezone.now().timestamp()
    if not request.META.get("REMOTE_ADDR"):
        return  # a login made in code (a management command, a test), not over HTTP
    previous = (
        AuditLog.objects.filter(user=user, action=AuditLog.Action.LOGIN)
        .order_by("-at")
        .values("at", "ip_address")
        .first()
    )
    audit_log(request=request, user=user, action=AuditLog.Action.LOGIN, target=f"user {user.pk}")
    if not hasattr(request, "_messages"):
        return
    if previous is None:
        messages.info(request, _("Welcome: this is the first login of this account."))
    else:
        messages.info(
            request,
            _("Last login: %(at)s from %(ip)s. If it was not you, change your password.")
            % {
                "at": timezone.localtime(previous["at"]).strftime("%Y-%m-%d %H:%M"),
                "ip": previous["ip_address"] or _("an unknown address"),
            },
        )


def purge_audit_log(*, keep_days: int, now=None) -> int:
    """Delete the entries older than ``keep_days`` days; returns how many."""
    cutoff = (now or timezone.now()) - timezone.timedelta(days=keep_days)
    deleted, _ignored = AuditLog.objects.filter(at__lt=cutoff).delete()
    return deleted


class AuditedPasswordChangeView(PasswordChangeView):
    """Django's password change, with the change written to the audit log."""

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_log(
            request=self.request,
            action=AuditLog.Action.PASSWORD_CHANGE,
            target=f"user {self.request.user.pk}",
        )
        return response
