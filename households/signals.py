"""Signals the registry sends for apps above it, so that it never imports them.

``registry_changed`` is sent (after the transaction commits) when many households and people
were written at once by a bulk path that sends no ``post_save`` per row (the roster import);
services' cache of rule counts listens to it (``services.obligations.cache``).
"""

from django.dispatch import Signal

registry_changed = Signal()
