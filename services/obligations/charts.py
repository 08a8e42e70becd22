"""Server-rendered inline SVG charts (no JavaScript): the weekly trend of a rule's count."""

from dataclasses import dataclass


@dataclass
class Sparkline:
    width: int
    height: int
    points: str  # the polyline's "x,y x,y …"
    dots: list[tuple[float, float, str]]  # (x, y, title) per week
    first: int | None
    last: int | None
    low: int
    high: int
    has_demo: bool = False

    @property
    def falling(self):
        return self.first is not None and self.last is not None and self.last < self.first

    @property
    def rising(self):
        return self.first is not None and self.last is not None and self.last > self.first


def sparkline(
    series: list[tuple], *, width: int = 220, height: int = 48, pad: int = 4
) -> Sparkline | None:
    """``series``: [(day, count, is_demo), …] oldest first. None when there is nothing to
    draw."""
    if not series:
        return None
    counts = [count for _day, count, _demo in series]
    low, high = min(counts), max(counts)
    span = (high - low) or 1
    step = (width - 2 * pad) / max(len(series) - 1, 1)
    dots = []
    for i, (day, count, _demo) in enumerate(series):
        x = pad + i * step if len(series) > 1 else width / 2
        y = height - pad - (count - low) / span * (height - 2 * pad) if high != low else height / 2
        dots.append((round(x, 1), round(y, 1), f"{day:%Y-%m-%d}: {count}"))
    return Sparkline(
        width=width,
        height=height,
        points=" ".join(f"{x},{y}" for x, y, _t in dots),
        dots=dots,
        first=counts[0],
        last=counts[-1],
        low=low,
        high=high,
        has_demo=any(demo for _day, _count, demo in series),
    )
