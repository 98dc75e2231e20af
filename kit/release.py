"""Which release of Gruuv is running, so a cache shared across deploys never serves old HTML."""

import hashlib
import os
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {".py", ".html"}
NOT_SOURCE = {".venv", ".git", "node_modules", "staticfiles", "test-output", "__pycache__"}


@cache
def release() -> str:
    """`GRUUV_RELEASE` if the deployment names one (a commit id), else a digest of the code and
    templates, read once per process."""
    if named := os.environ.get("GRUUV_RELEASE"):
        return named
    digest = hashlib.sha256()
    for path in sorted(_sources(ROOT)):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _sources(directory: Path):
    for entry in directory.iterdir():
        if entry.is_dir():
            if entry.name not in NOT_SOURCE and not entry.name.startswith("."):
                yield from _sources(entry)
        elif entry.suffix in SOURCES:
            yield entry
