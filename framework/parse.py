"""Reading a file's text into data, within the limits of a framework file."""

import json
import re

import yaml

from framework.format import FrameworkError
from framework.limits import (
    MOST_NESTING,
    MOST_NODES,
    NO_ALIASES,
    TOO_DEEP,
    TOO_MANY_NODES,
    refuse_nul,
)


def parse(text: str, fmt: str = "yaml") -> dict:
    refuse_nul(text)
    _refuse_deep_nesting(text)
    try:
        if fmt == "json":
            data = json.loads(text)
            _refuse_too_many_nodes(data)
        else:
            _refuse_aliases_and_too_many_nodes(text)
            data = yaml.load(text, Loader=YamlLoader)
    except (ValueError, yaml.YAMLError) as error:
        raise FrameworkError([f"the file is not valid {fmt.upper()}: {error}"]) from error
    except RecursionError as error:  # nesting without brackets ("- - - - x") gets here
        raise FrameworkError([TOO_DEEP]) from error
    if not isinstance(data, dict):
        raise FrameworkError(["the file must hold a mapping with format, roles and abilities"])
    return data


# libyaml's parser where it is installed (it is in the wheels), Python's otherwise: both safe.
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)


def _refuse_aliases_and_too_many_nodes(text: str) -> None:
    """Read the YAML's events (no values are built) and stop at the first anchor or alias, or
    past MOST_NODES: the time this takes is bounded by the limit, not by what the file says."""
    nodes = depth = 0
    for event in yaml.parse(text, Loader=YamlLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise FrameworkError([NO_ALIASES.format(line=event.start_mark.line + 1)])
        if isinstance(event, NODE_EVENTS):
            nodes += 1
            if nodes > MOST_NODES:
                raise FrameworkError([TOO_MANY_NODES])
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MOST_NESTING:  # nesting without brackets ("- - - - x") shows here
                raise FrameworkError([TOO_DEEP])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _refuse_too_many_nodes(data) -> None:
    """JSON has no aliases, but `[1,1,1,…]` in 8 MB is four million values: count, and stop."""
    nodes, pending = 0, [data]
    while pending:
        value = pending.pop()
        nodes += 1
        if nodes > MOST_NODES:
            raise FrameworkError([TOO_MANY_NODES])
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


# Double-quoted text (JSON's strings, YAML's quoted scalars), whose brackets are words, not
# nesting; then the brackets that are left.
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
BRACKETS = re.compile(r"[\[\]{}]")


def _refuse_deep_nesting(text: str) -> None:
    """Refuse brackets nested past MOST_NESTING before a parser recurses into them: YAML's
    spends seconds on a file of opening brackets before it gives up."""
    depth = 0
    for bracket in BRACKETS.finditer(QUOTED.sub("", text)):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > MOST_NESTING:
            raise FrameworkError([TOO_DEEP])
