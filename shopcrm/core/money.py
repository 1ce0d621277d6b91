"""Money is stored as integer cents (fen) and handled as Decimal; never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(value: Decimal | int | str) -> int:
    """Decimal yuan -> integer cents, rounding half up to the cent."""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    return int((d.quantize(CENT, rounding=ROUND_HALF_UP) * 100).to_integral_value())


def from_cents(cents: int) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(CENT)


def fmt(cents: int | None, *, symbol: bool = False, grouping: bool = True) -> str:
    """1234550 -> '12,345.50' (two decimals always)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(int(cents)), 100)
    body = (f"{whole:,}" if grouping else str(whole)) + f".{frac:02d}"
    return f"{sign}{'¥' if symbol else ''}{body}"
