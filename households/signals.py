"""Signals of the registry for the apps above it (which the registry never imports).

``registry_bulk_changed`` is sent after a bulk write that sends no per-row signals (the
roster import writes with ``bulk_create``/``bulk_update``), with ``building_ids``: the
buildings whose households or people changed, or None for any building. The obligation
rules' kept counts listen to it (``services.obligations.counts``)."""

from django.dispatch import Signal

registry_bulk_changed = Signal()
