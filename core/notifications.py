"""In-app notifications: the one place that writes and reads ``core.Notification`` rows.

Every app tells users through ``notify`` (one message to some users) or ``notify_batch``
(many messages, one insert: the daily jobs that flag whatever went overdue)."""

from collections.abc import Iterable

from django.db.models import Model
from django.utils import timezone

from .models import Notification

TEXT_MAX = Notification._meta.get_field("text").max_length


def _user_id(user) -> int:
    return user.pk if isinstance(user, Model) else int(user)


def notify_batch(messages: Iterable[tuple[Iterable, str, str]]) -> int:
    """Each (users, text, url) of ``messages`` to each of its users (user objects or ids),
    in one insert. Returns how many notifications were written."""
    rows = [
        Notification(user_id=_user_id(user), text=str(text)[:TEXT_MAX], url=url)
        for users, text, url in messages
        for user in users
    ]
    return len(Notification.objects.bulk_create(rows))


def notify(*, users: Iterable, text: str, url: str = "") -> int:
    """Tell ``users`` (user objects, ids or a queryset of users) ``text``, linking to
    ``url``. Returns how many notifications were written."""
    return notify_batch([(users, text, url)])


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark ``user``'s unread notifications read (only ``ids`` when given)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(*, user):
    """``user``'s notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def already_told(*, url: str) -> set[int]:
    """Ids of the users already told something linking to ``url``."""
    return set(Notification.objects.filter(url=url).values_list("user_id", flat=True))
