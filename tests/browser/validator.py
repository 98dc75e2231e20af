"""The Nu Html Checker (vnu-jar from npm, run with Java) over pages as the server sent them."""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def checker_missing() -> str | None:
    if shutil.which("java") is None:
        return "no java on PATH (apt-get install default-jre-headless)"
    if not VNU.exists():
        return f"no {VNU.relative_to(settings.BASE_DIR)} (make install runs npm ci)"
    return None


def html_errors(pages: dict[str, str]) -> dict[str, list[str]]:
    """Each page's errors ("line N: message"), by its address; pages without errors left out.
    One Java run checks them all."""
    if reason := checker_missing():
        if os.environ.get("GRUUV_REQUIRE_BROWSER") == "1":
            pytest.fail(f"GRUUV_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(f"HTML validation skipped: {reason}")
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for number, (address, html) in enumerate(pages.items()):
            path = Path(folder) / f"page-{number}.html"
            path.write_text(html, encoding="utf-8")
            files[path.name] = address
        run = subprocess.run(
            ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always",
             *(str(Path(folder) / f"page-{n}.html") for n in range(len(pages)))],
            capture_output=True, text=True, timeout=300, check=True,
        )  # fmt: skip
    found: dict[str, list[str]] = {}
    for message in json.loads(run.stderr or run.stdout)["messages"]:
        url = message.get("url", "")
        address = files.get(url.rsplit("/", 1)[-1], url)
        found.setdefault(address, []).append(
            f"line {message.get('lastLine')}: {message['message']}"
        )
    return found
