"""The obligation rules a work task may name, by code.

A task is often set for a failing rule (``WorkTask.rule_code``), but the rules live in
``services.obligations``, the layer above this one (its dashboards list each unit's open
tasks). So the rules are registered here at start-up (``ServicesConfig.ready``), the way
models are registered with the admin site, and this package never imports the layer above
it. Until something registers, no rule is known and a task can name none."""

from __future__ import annotations

from typing import Protocol


class NamedRule(Protocol):
    code: str
    title: str


_rules: dict[str, NamedRule] = {}


def register_rules(rules) -> None:
    """Make ``rules`` (objects with ``code`` and ``title``) the ones a task may name."""
    _rules.clear()
    _rules.update({rule.code: rule for rule in rules})


def rule_of(code: str) -> NamedRule | None:
    return _rules.get(code)


def rule_choices() -> list[tuple[str, str]]:
    """(code, title) of every known rule, in registration order."""
    return [(rule.code, rule.title) for rule in _rules.values()]
