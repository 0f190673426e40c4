"""``policybound import FILE --source event --purpose consulting [--consents marketing]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from policybound.audit.actors import Actor
from policybound.collection.imports import IMPORT_SOURCES, ImportRejected, csv_import


class Command(BaseCommand):
    help = (
        "Import a CSV file of personal data collected elsewhere (business cards, event attendees, partner "
        "lists). The header names item codes of the purpose; every row is checked like a web form, and "
        "the file is imported all-or-nothing, with a report naming every bad row and field. --consents "
        "names optional consents the people gave where the data was collected (e.g. marketing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, choices=[str(s) for s in IMPORT_SOURCES])
        parser.add_argument("--purpose", required=True, help="a purpose code of the policy in force")
        parser.add_argument("--consents", default="", help="comma-separated optional purposes consented to")
        parser.add_argument("--source-detail", default="", help="e.g. the event's name and date")
        parser.add_argument("--notice-file", type=Path, help="the notice text shown where consent was given")
        parser.add_argument("--encoding", default="utf-8-sig", help="the file's encoding (Excel in Korean: cp949)")
        parser.add_argument("--language", default=None, help="language of the report and notices (ko, en)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        notice = options["notice_file"].read_text(encoding="utf-8") if options["notice_file"] else None
        consents = [code.strip() for code in options["consents"].split(",") if code.strip()]
        try:
            text = path.read_text(encoding=options["encoding"])
        except UnicodeDecodeError:
            raise CommandError(
                f"{path} is not {options['encoding']} text; a CSV saved by Korean Excel needs --encoding cp949"
            ) from None
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            try:
                result = csv_import(
                    lines=text.splitlines(keepends=True),
                    source=options["source"],
                    purpose=options["purpose"],
                    consents=consents,
                    actor=Actor.system("import"),
                    source_detail=options["source_detail"],
                    notice_text=notice,
                )
            except ImportRejected as rejected:
                for problem in rejected.problems:
                    self.stderr.write(f"{path}: {problem}")
                for row in rejected.rows:
                    for code, messages in row.errors.items():
                        for message in messages:
                            self.stderr.write(f"{path}:{row.line}: row {row.row}: {code}: {message}")
                raise CommandError(f"nothing was imported from {path} ({len(rejected.rows)} bad row(s))") from None
        self.stdout.write(f"Imported {result.rows} row(s) from {path} (source {options['source']}).")
