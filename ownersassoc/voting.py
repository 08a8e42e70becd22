"""The vote of an owners' general meeting, PRC Civil Code Art. 278 (DOMAIN.md §4).

A pure function of the totals: no database, no floats. Areas are ``Decimal`` (or int, or
``Fraction``) and every comparison is made on exact ``Fraction`` values multiplied out, so
"two thirds" and "three quarters" are never rounded. "以上" includes the boundary and
"过半数" excludes it (Civil Code Art. 1259).
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

# Matters 1–9 of Art. 278; 6–8 need three quarters of those voting.
MATTERS = range(1, 10)
MAJOR_MATTERS = frozenset({6, 7, 8})

Number = int | Decimal | Fraction


@dataclass(frozen=True)
class Verdict:
    quorum: bool
    passed: bool
    rule: str


def _exact(value: Number, name: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | Fraction):
        raise TypeError(f"{name} must be an int, Decimal or Fraction, not {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{name} must be finite")
    exact = Fraction(value)
    if exact < 0:
        raise ValueError(f"{name} must not be negative")
    return exact


def decide(
    *,
    matter: int,
    total_area: Number,
    total_owners: int,
    voted_area: Number,
    voted_owners: int,
    agreed_area: Number,
    agreed_owners: int,
) -> Verdict:
    """The verdict on one motion.

    Quorum: those voting hold at least two thirds of the area and are at least two thirds
    of the owners. Matters 6–8: at least three quarters of the voting area and of the voting
    owners agree. Every other matter: more than half of the voting area and of the voting
    owners agree. Without a quorum nothing passes.
    """
    if matter not in MATTERS:
        raise ValueError(f"matter must be 1–9, not {matter!r}")
    t_area = _exact(total_area, "total_area")
    p_area = _exact(voted_area, "voted_area")
    y_area = _exact(agreed_area, "agreed_area")
    t_n = _exact(total_owners, "total_owners")
    p_n = _exact(voted_owners, "voted_owners")
    y_n = _exact(agreed_owners, "agreed_owners")
    for name, part, whole in (
        ("voted_area", p_area, t_area),
        ("voted_owners", p_n, t_n),
        ("agreed_area", y_area, p_area),
        ("agreed_owners", y_n, p_n),
    ):
        if part > whole:
            raise ValueError(f"{name} exceeds its total")

    quorum = 3 * p_area >= 2 * t_area and 3 * p_n >= 2 * t_n and t_n > 0
    if matter in MAJOR_MATTERS:
        carried = 4 * y_area >= 3 * p_area and 4 * y_n >= 3 * p_n and p_n > 0
        rule = _(
            "Matter %(matter)d (Civil Code Art. 278 ¶2): owners holding at least two thirds of "
            "the area and at least two thirds of the owners take part; at least three quarters "
            "of the area and of the owners taking part agree."
        ) % {"matter": matter}
    else:
        carried = 2 * y_area > p_area and 2 * y_n > p_n
        rule = _(
            "Matter %(matter)d (Civil Code Art. 278 ¶2): owners holding at least two thirds of "
            "the area and at least two thirds of the owners take part; more than half of the "
            "area and of the owners taking part agree."
        ) % {"matter": matter}
    return Verdict(quorum=quorum, passed=quorum and carried, rule=rule)
