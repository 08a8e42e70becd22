from .models import AuditLog


def audit_log(*, request=None, user=None, action: str, target: str, detail=None) -> AuditLog:
    """Record a full-ID view or an export. ``request`` supplies user and address."""
    ip = None
    if request is not None:
        user = user or request.user
        ip = request.META.get("REMOTE_ADDR")
    return AuditLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        target=target[:200],
        detail=detail or {},
        ip_address=ip,
    )
