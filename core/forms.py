"""Form plumbing shared by every app."""

from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError, *, other=None) -> None:
    """Put a ``ValidationError`` raised by a service on ``form``: each error on the field it
    names when the form has that field (on ``other`` when only that form has it: the head's
    part of the new-household page), the rest as errors of the whole form. A form whose
    fields are named otherwise than the model's (a picker of people by ID number) maps the
    names with an ``error_field(name)`` method."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        if other is not None and name not in form.fields and name in other.fields:
            other.add_error(name, errors)
        elif hasattr(form, "error_field"):
            form.add_error(form.error_field(name), errors)
        else:
            form.add_error(name if name in form.fields else None, errors)
