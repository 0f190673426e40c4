"""The package knows no customer: no purpose or item code of the bundled policy in its code.

Behaviour comes from the policy file, so a second company is only a second file. This test reads
every Python module, template and mail template of the package outside the tests and refuses one that
names a purpose or item code of the bundled policy: as a whole string literal (``"newsletter"``), as
a path segment (``"newsletter/confirm/"``) or as a quoted word in a template.

A code that is also a word of the system's own vocabulary (an item kind such as ``email``, or a
field of the policy schema such as ``marketing``) is that word wherever the code uses it, so such
codes are left out; the vocabulary is read from the schema, not listed here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

import policybound
from policybound.lib.testing import BUNDLED_POLICY
from policybound.policy import schema
from policybound.policy.loader import policy_parse

PACKAGE = Path(policybound.__file__).resolve().parent
# Helpers only the tests import (the module says so in its first line).
TEST_ONLY = {PACKAGE / "lib" / "testing.py"}
# Words that happen to equal a bundled code but mean something else where they appear, each with why.
NOT_A_POLICY_CODE = {
    ("core/middleware.py", "message"): "the error page's context key for the error text",
    ("subjects/normalize.py", "company"): "the English legal form dropped from organisation names (ABC Company)",
}


def _system_words() -> set[str]:
    words = {kind.value for kind in schema.ItemKind}
    for model in vars(schema).values():
        if isinstance(model, type) and issubclass(model, BaseModel):
            words.update(model.model_fields)
    return words


def _customer_codes() -> set[str]:
    policy = policy_parse(BUNDLED_POLICY.read_text(encoding="utf-8")).policy
    codes = {purpose.code for purpose in policy.purposes} | {item.code for item in policy.items}
    return codes - _system_words()


def _package_files(*suffixes: str) -> list[Path]:
    return sorted(
        path
        for suffix in suffixes
        for path in PACKAGE.rglob(f"*{suffix}")
        if "tests" not in path.relative_to(PACKAGE).parts and path not in TEST_ONLY
    )


def _python_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def _names_code(literal: str, codes: set[str]) -> str | None:
    if literal in codes:
        return literal
    for segment in re.split(r"[/?#]", literal) if "/" in literal else ():
        if segment in codes:
            return segment
    return None


def _offences(codes: set[str]) -> list[str]:
    found = []
    for path in _package_files(".py"):
        for line, literal in _python_literals(path):
            code = _names_code(literal, codes)
            if code is not None and (str(path.relative_to(PACKAGE)), code) not in NOT_A_POLICY_CODE:
                found.append(f"{path.relative_to(PACKAGE)}:{line}: {code!r}")
    quoted = re.compile(r"""["'/]([a-z][a-z0-9_]*)["'/]""")
    for path in _package_files(".html", ".txt"):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            found += [f"{path.relative_to(PACKAGE)}:{number}: {m!r}" for m in quoted.findall(text) if m in codes]
    return found


def test_the_bundled_policy_has_codes_to_look_for():
    codes = _customer_codes()
    assert {"newsletter", "consulting", "company", "message"} <= codes


def test_no_purpose_or_item_code_of_the_bundled_policy_is_in_the_package():
    assert _offences(_customer_codes()) == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('path("newsletter/confirm/<str:token>/", view)', True),
        ('DEFAULT = ["newsletter"]', True),
        ('{"company": 1}', True),
        ('"""A docstring that mentions the newsletter."""', False),
        ('"newsletter_confirm"', False),
    ],
)
def test_the_search_sees_a_code_where_code_would_use_it(tmp_path, source, found):
    module = tmp_path / "module.py"
    module.write_text(source + "\n", encoding="utf-8")
    hits = [literal for _, literal in _python_literals(module) if _names_code(literal, _customer_codes())]
    assert bool(hits) is found
