"""The limits of a framework file, and the refusals that name them."""

from framework.format import FrameworkError

# The limits of a framework file, each refused with a message that names it, before anything walks
# the file: a framework of 500 abilities, five milestones and three examples each is about 2 MB
# and 50,000 nodes, and nests six levels deep (abilities, an ability, milestones, a milestone,
# examples, one). Counting happens on the parser's events, so a file is refused before it is
# built: YAML's anchors and aliases (a "billion laughs" of 382 bytes expands to 9^9 nodes) are
# refused outright, as no exported framework has them. docs/framework-format.md lists these.
MOST_BYTES = 8 * 1024 * 1024
MOST_NESTING = 32
MOST_NODES = 60_000
MOST_ABILITIES = 500
MOST_ROLES = 200
MOST_EXAMPLES = 30  # per milestone
MOST_REQUIREMENTS = 200  # per ability: one per role at most
MOST_ROWS = 10_000  # of a CSV sheet
MOST_ERRORS = 50  # listed; validation stops there
TOO_DEEP = f"the file nests lists or mappings more than {MOST_NESTING} deep; a framework needs six"
TOO_MANY_NODES = (
    f"the file has more than {MOST_NODES:,} values; a framework of {MOST_ABILITIES} abilities "
    "fits in fewer (split it, or write to us if yours does not)"
)
NO_ALIASES = (
    "line {line}: anchors and aliases (&name, *name) are not allowed in a framework file; "
    "write each value out"
)


def refuse_too_many_items(data: dict) -> None:
    """The counts a framework may have, checked before the schema walks the file."""

    def items(value) -> list:
        return value if isinstance(value, list) else []

    def mapping(value) -> dict:
        return value if isinstance(value, dict) else {}

    errors = []

    def at_most(values: list, most: int, place: str, what: str) -> None:
        if len(values) > most:
            errors.append(f"{place}: has {len(values):,} {what}; a framework may have {most:,}")

    at_most(items(data.get("roles")), MOST_ROLES, "roles", "roles")
    abilities = items(data.get("abilities"))
    at_most(abilities, MOST_ABILITIES, "abilities", "abilities")
    for a, ability in enumerate(abilities[:MOST_ABILITIES]):
        ability = mapping(ability)
        place = f"abilities[{a}]"
        requirements = items(ability.get("requirements"))
        at_most(requirements, MOST_REQUIREMENTS, f"{place}.requirements", "requirements")
        for m, milestone in enumerate(items(ability.get("milestones"))[:5]):
            examples = items(mapping(milestone).get("examples"))
            at_most(examples, MOST_EXAMPLES, f"{place}.milestones[{m}].examples", "examples")
        if len(errors) >= MOST_ERRORS:
            break
    if errors:
        raise FrameworkError(bounded(errors))


def bounded(errors: list[str]) -> list[str]:
    if len(errors) <= MOST_ERRORS:
        return errors
    return [*errors[:MOST_ERRORS], f"… and more: the first {MOST_ERRORS} problems are listed"]


def too_large() -> str:
    return f"the file is larger than {MOST_BYTES // (1024 * 1024)} MB"


def refuse_oversized(text: str) -> None:
    if len(text) > MOST_BYTES:
        raise FrameworkError([too_large()])


def refuse_nul(text: str) -> None:
    if "\x00" in text:
        raise FrameworkError(["the file has a NUL character in it; save it as plain UTF-8 text"])
