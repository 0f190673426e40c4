"""Reading a policy file into :class:`~policybound.policy.schema.Policy`, with line numbers.

Every problem is reported as ``FILE:LINE: message``, pointing at the offending line of the YAML, so
whoever edits the policy can fix it without reading a stack trace. The line of each key and list
element is recorded from PyYAML's node tree and looked up by pydantic's error location.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from policybound.policy.schema import Policy

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One finding of ``policy check``: an error stops publication, a warning does not."""

    line: int
    message: str
    severity: Literal["error", "warning"] = "error"

    def format(self, filename: str) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{filename}:{self.line}: {prefix}{self.message}"


@dataclass
class LineMap:
    """Maps a location in the parsed document (keys and list indexes) to its 1-based line."""

    lines: dict[Location, int] = field(default_factory=dict)

    def line_of(self, location: Location) -> int:
        """The line of ``location``, or of its nearest ancestor that has one."""
        path = tuple(location)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


class PolicyInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class LoadedPolicy:
    policy: Policy
    text: str
    lines: LineMap


def _record_lines(node: yaml.Node, path: Location, lines: LineMap) -> None:
    lines.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines.lines[(*path, key)] = key_node.start_mark.line + 1
            _record_lines(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            lines.lines[(*path, index)] = child.start_mark.line + 1
            _record_lines(child, (*path, index), lines)


def _readable(error: dict[str, Any]) -> str:
    location = ".".join(str(part) for part in error["loc"]) or "(top level)"
    kind = error["type"]
    if kind == "missing":
        return f"{location}: this field is required"
    if kind == "extra_forbidden":
        return f"{location}: unknown field (check its spelling against the schema)"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{location}: {message}"


def policy_parse(text: str) -> LoadedPolicy:
    """Parse and validate a policy's YAML text; raise :class:`PolicyInvalid` with line numbers."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise PolicyInvalid([Problem(line, f"not valid YAML: {error.problem or error}")]) from None
    lines = LineMap()
    if root is not None:
        _record_lines(root, (), lines)
    if not isinstance(data, dict):
        raise PolicyInvalid([Problem(1, "a policy file is a YAML mapping (schema:, controller:, ...)")])
    try:
        policy = Policy.model_validate(data)
    except ValidationError as error:
        problems = [Problem(lines.line_of(tuple(e["loc"])), _readable(dict(e))) for e in error.errors()]
        raise PolicyInvalid(problems) from None
    return LoadedPolicy(policy=policy, text=text, lines=lines)


def policy_load(path: Path | str) -> LoadedPolicy:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyInvalid([Problem(1, f"cannot read the policy file: {error}")]) from None
    return policy_parse(text)
