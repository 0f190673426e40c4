"""``VerbCommand``: a management command made of verbs (``policybound keys rotate|status|generate``).

Most of policybound's commands are a handful of verbs sharing one name. Each used to build its own
argparse sub-parsers and dispatch on the chosen verb by hand; here a command declares its verbs instead
(name → handler method, help, arguments) and the base class builds the parsers and dispatches. Errors a
command's services raise for bad input (``errors``) become a ``CommandError`` with the error's message,
so the operator sees one line, not a stack trace.
"""

from __future__ import annotations

import argparse
import getpass
import os
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policybound.audit.actors import Actor

Options = dict[str, Any]


def operator_actor() -> Actor:
    """The person at the shell, for the audit log: ``cli:<login>`` (the sudoer's login under sudo)."""
    try:
        name = os.environ.get("SUDO_USER") or getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return Actor.system(f"cli:{name}")


class Arg:
    """One ``add_argument(*names, **options)`` call, declared rather than made."""

    def __init__(self, *names: str, **options: Any) -> None:
        self.names = names
        self.options = options

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(*self.names, **self.options)


class Verb:
    """A verb of a command: the method that handles it (``method(self, options)``), its help, its arguments.

    ``arguments`` covers what ``Arg`` cannot declare (a helper that adds options shared with another
    module); it runs after the ``Arg``s.
    """

    def __init__(
        self,
        method: str,
        help: str,
        *args: Arg,
        arguments: Callable[[argparse.ArgumentParser], None] | None = None,
    ) -> None:
        self.method = method
        self.help = help
        self.args = args
        self.arguments = arguments

    def add_to(self, subparsers: Any, name: str) -> None:
        parser = subparsers.add_parser(name, help=self.help)
        for arg in self.args:
            arg.add_to(parser)
        if self.arguments is not None:
            self.arguments(parser)


class VerbCommand(BaseCommand):
    """A command whose first positional argument is one of ``verbs``.

    Subclasses set ``verbs`` (in the order ``--help`` lists them) and define each verb's method, which
    receives the parsed options. ``errors`` lists exception types turned into ``CommandError(str(error))``.
    ``list_verbs_in_errors`` names the verbs, rather than the word ``verb``, in argparse's usage errors.
    """

    verbs: ClassVar[Mapping[str, Verb]] = {}
    errors: ClassVar[tuple[type[Exception], ...]] = ()
    list_verbs_in_errors: ClassVar[bool] = False

    def add_arguments(self, parser: CommandParser) -> None:
        metavar = "{" + ",".join(self.verbs) + "}" if self.list_verbs_in_errors else None
        subparsers = parser.add_subparsers(dest="verb", required=True, metavar=metavar)
        for name, verb in self.verbs.items():
            verb.add_to(subparsers, name)

    def handle(self, *args: Any, **options: Any) -> None:
        handler: Callable[[Options], None] = getattr(self, self.verbs[options["verb"]].method)
        try:
            handler(options)
        except self.errors as error:
            raise CommandError(str(error)) from None
