"""``VerbCommand``: verbs declared once, parsed and dispatched by the base class."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from policybound.core.commands import Arg, Options, Verb, VerbCommand, operator_actor


class Refused(Exception):
    pass


class Greeter(VerbCommand):
    help = "Greets Alice and Bob."
    errors = (Refused,)
    verbs = {
        "hello": Verb("_hello", "say hello", Arg("name"), Arg("--times", type=int, default=1)),
        "refuse": Verb("_refuse", "refuse to greet"),
    }

    def _hello(self, options: Options) -> None:
        for _ in range(options["times"]):
            self.stdout.write(f"hello {options['name']}")

    def _refuse(self, options: Options) -> None:
        raise Refused("Bob is not here")


class Listing(Greeter):
    list_verbs_in_errors = True


def run(command: VerbCommand, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def usage(command: VerbCommand, *args: str) -> str:
    parser = command.create_parser("policybound", "greet")
    with pytest.raises(CommandError) as raised:
        parser.parse_args(list(args))
    return str(raised.value)


def test_it_dispatches_a_verb_to_its_method_with_its_options() -> None:
    assert run(Greeter(), "hello", "Alice", "--times", "2") == "hello Alice\nhello Alice\n"


def test_it_turns_a_declared_error_into_a_one_line_command_error() -> None:
    with pytest.raises(CommandError, match=r"^Bob is not here$"):
        run(Greeter(), "refuse")


def test_it_requires_a_verb() -> None:
    assert usage(Greeter()) == "Error: the following arguments are required: verb"


def test_it_refuses_an_unknown_verb() -> None:
    assert "invalid choice: 'wave' (choose from 'hello', 'refuse')" in usage(Greeter(), "wave")


def test_it_can_name_the_verbs_in_usage_errors() -> None:
    assert usage(Listing()) == "Error: the following arguments are required: {hello,refuse}"


def test_it_lists_the_verbs_and_their_help() -> None:
    text = Greeter().create_parser("policybound", "greet").format_help()
    assert "hello" in text and "say hello" in text
    assert "refuse to greet" in text


def test_it_names_the_operator_who_ran_it_under_sudo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUDO_USER", "alice")
    assert (operator_actor().kind, operator_actor().label) == ("system", "cli:alice")
