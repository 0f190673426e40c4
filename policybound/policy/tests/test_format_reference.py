"""docs/POLICY-FORMAT.md names every part of the file: a field or table the schema gains without a
line in the reference fails here, so the reference cannot fall behind the code."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from policybound.policy.render_sections import RENDER_SECTIONS
from policybound.policy.schema import Policy

REFERENCE = Path(__file__).resolve().parents[3] / "docs" / "POLICY-FORMAT.md"


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> Iterator[type[BaseModel]]:
    if model in seen:
        return
    seen.add(model)
    yield model
    for info in model.model_fields.values():
        yield from _nested(info.annotation, seen)


def _nested(annotation: object, seen: set[type[BaseModel]]) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from _models(annotation, seen)
    elif isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for argument in typing.get_args(annotation):
            yield from _nested(argument, seen)


def _documented_fields(text: str) -> dict[str, set[str]]:
    """``### `Model` `` headings and the `` `field` `` rows of the table under each."""
    found: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in text.splitlines():
        heading = re.match(r"^#{2,4} .*`(\w+)`", line)
        if heading:
            current = found.setdefault(heading.group(1), set())
        elif current is not None and line.startswith("| `"):
            current.add(line.split("`")[1])
    return found


MODELS = sorted(_models(Policy, set()), key=lambda m: m.__name__)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_of_every_part_of_the_file_is_in_the_reference(model: type[BaseModel]) -> None:
    documented = _documented_fields(REFERENCE.read_text(encoding="utf-8"))
    assert model.__name__ in documented, f"docs/POLICY-FORMAT.md has no section for {model.__name__}"
    names = {info.alias or name for name, info in model.model_fields.items()}
    missing = names - documented[model.__name__]
    assert not missing, f"docs/POLICY-FORMAT.md does not describe {model.__name__}: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(RENDER_SECTIONS))
def test_every_table_and_list_is_in_the_reference(name: str) -> None:
    text = REFERENCE.read_text(encoding="utf-8").split("\n## Tables and lists\n", 1)[1]
    row = next((line for line in text.splitlines() if line.startswith(f"| `{name}` ")), None)
    assert row is not None, f"docs/POLICY-FORMAT.md does not list the section {name}"
    for word in RENDER_SECTIONS[name].words:
        assert f"`{word}`" in row, f"the row of {name} does not name its computed word {word}"
