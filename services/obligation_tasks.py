"""Celery tasks of the obligation rules and work tasks."""
