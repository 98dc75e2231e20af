"""Read a seed page (plain text copied from a browser) into its sections."""

import re
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
SEED_PAGES = {
    ("medium", "servers"): HERE / "medium-servers.txt",
    ("lessonly", "infrastructure"): HERE / "lessonly-infrastructure.txt",
}


@dataclass
class SeedMilestone:
    level: int
    miles_line: str | None = None
    texts: list[str] = field(default_factory=list)
    examples: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SeedPage:
    lines: list[str]
    description: list[str] = field(default_factory=list)
    milestones: list[SeedMilestone] = field(default_factory=list)
    health: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    observations: list[str] = field(default_factory=list)
    conversations: list[str] = field(default_factory=list)


def normalize(line: str) -> str:
    """Whitespace collapsed, and the spaces that copy-and-paste lost put back."""
    line = re.sub(r"(\S)(must be|are recommended to be) milestone", r"\1 \2 milestone", line)
    return " ".join(line.split())


def _bullet(line: str) -> str:
    return line[2:] if line.startswith("- ") else line


def read_seed(path: Path) -> SeedPage:
    lines = [normalize(line) for line in path.read_text().splitlines()]
    # The last line runs into the next file's first without a newline in the copies.
    lines = [line for line in lines if line]
    page = SeedPage(lines=lines)
    section = None
    for line in lines:
        if line == "Description":
            section = "description"
        elif match := re.fullmatch(r"Milestone (\d)", line):
            section = "milestone"
            page.milestones.append(SeedMilestone(level=int(match[1])))
        elif line == "Configuration Health":
            section = "health"
        elif line == "Role & Position Requirements":
            section = "requirements"
        elif line == "Examples / Observations":
            section = "observations"
        elif line.startswith("Conversations about "):
            section = "conversations"
        elif section == "description":
            page.description.append(line)
        elif section == "milestone":
            milestone = page.milestones[-1]
            if re.fullmatch(r"\(adds \d+ miles? to your journey\)", line):
                milestone.miles_line = line
            elif line in {"| Examples | |", "|---|---|"}:
                continue
            elif line.startswith("| "):
                behaviour, task = (cell.strip() for cell in line.strip("| ").split(" | "))
                milestone.examples.append((behaviour, task))
            elif line.startswith("- "):
                milestone.examples.append((_bullet(line), ""))
            else:
                milestone.texts.append(line)
        elif section == "health":
            page.health.append(_bullet(line))
        elif section == "requirements":
            page.requirements.append(_bullet(line))
        elif section == "observations":
            page.observations.append(line)
        elif section == "conversations":
            page.conversations.append(line)
    return page


def expected_lines(path: Path) -> list[str]:
    """The seed page as the lines a reader sees, table cells one per line, in order."""
    lines = []
    for line in read_seed(path).lines:
        if line == "|---|---|":
            continue
        if line.startswith("| "):
            lines.extend(cell.strip() for cell in line.strip("| ").split(" | ") if cell.strip())
        else:
            lines.append(_bullet(line))
    return [line for line in lines if line]


def missing_lines(expected: list[str], seen: list[str]) -> list[str]:
    """Expected lines not found in `seen` in the same order (empty when all are there)."""
    position = 0
    missing = []
    for line in expected:
        try:
            position = seen.index(line, position) + 1
        except ValueError:
            missing.append(line)
    return missing
