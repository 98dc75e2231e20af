"""The file format: its name, the formats a file may come in, and the error that refuses one.

The format is documented in docs/framework-format.md and described by the JSON Schema in
docs/framework.schema.json, which validates every import.
"""

from pathlib import Path

from django.conf import settings

FORMAT = "gruuv-framework/1"
SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "framework.schema.json"


class FrameworkError(Exception):
    """A file refused whole; `errors` name the places, like `abilities[2].milestones[4].level`."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


FORMATS = ("yaml", "json", "csv")


def file_format(filename: str) -> str:
    """The format a file's name says, whatever its case: `x.CSV` is CSV; anything else YAML."""
    suffix = Path(filename).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "yaml"
