"""Mail helpers that know nothing of Gruuv's apps."""


def single_line(text: str) -> str:
    """`text` fit for a mail header: every run of whitespace (line breaks included) one space.

    Forms refuse line breaks in names; this keeps a header safe whatever reached it."""
    return " ".join(text.split())
