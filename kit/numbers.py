"""Reading numbers from addresses and files strictly."""

# 18 digits stay below 2**63, the largest id or count PostgreSQL's bigint holds.
MOST_DIGITS = 18


def whole_number(text: str | None, *, most_digits: int = MOST_DIGITS) -> int | None:
    """`text` as a whole number written in ASCII digits, or None for anything else: a sign, a
    space, "²" or "١" (which `str.isdigit` accepts and `int` refuses or reads), or too many
    digits for the database."""
    if text and len(text) <= most_digits and text.isascii() and text.isdigit():
        return int(text)
    return None
