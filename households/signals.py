"""Signals the registry sends for apps above it, so that it never imports them.

``registry_changed`` is sent inside the transaction of a bulk write that sends no
``post_save`` per row (the roster import's ``households.services.registry_bulk_write``),
with ``building_ids``: the buildings whose households or people changed, or None for any
building. The obligation rules' kept counts listen to it
(``services.obligations.counts``), and mark those buildings in the same transaction."""

from django.dispatch import Signal

registry_changed = Signal()
