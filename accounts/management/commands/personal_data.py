"""Export or erase one person's personal data (UU 27/2022), after the desk checked who asks."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from accounts.models import AuditEntry
from accounts.services import (
    audit_personal_data,
    person_for,
    personal_data_erase,
    personal_data_export,
)


class DryRun(Exception):
    """Rolls back the erasure of a --dry-run."""


class Command(BaseCommand):
    help = (
        "Export (JSON) or erase the personal data of one person, found by e-mail, phone or "
        "username. Erasing keeps each complaint's public facts, timeline and statistics."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--email", default="", help="complaints and accounts with this e-mail")
        who.add_argument("--phone", default="", help="complaints and accounts with this number")
        who.add_argument("--username", default="", help="one account and its own complaints")
        parser.add_argument("--output", help="export: write the JSON to this file, not stdout")
        parser.add_argument(
            "--dry-run", action="store_true", help="erase: say what would change, change nothing"
        )

    def handle(self, *args, **o):
        label, value = next((k, o[k]) for k in ("email", "phone", "username") if o[k])
        try:
            # Operators' messages in English, like the rest of the command line.
            with translation.override("en"):
                person = person_for(**{label: value})
                if o["action"] == "export":
                    return self.export(person, label, value, o["output"])
                return self.erase(person, label, value, o["dry_run"])
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from e

    def export(self, person, label, value, output):
        data = personal_data_export(person)
        text = json.dumps(data, ensure_ascii=False, indent=2)
        audit_personal_data(
            AuditEntry.Action.DATA_EXPORTED,
            label=label,
            value=value,
            detail={"complaints": len(data["complaints"]), "via": "command"},
        )
        if output:
            with open(output, "w", encoding="utf-8") as f:
                f.write(text + "\n")
            self.stderr.write(
                f"Wrote {output}: {len(data['accounts'])} account(s), "
                f"{len(data['complaints'])} complaint(s), "
                f"{len(data['notifications'])} notification(s)."
            )
        else:
            self.stdout.write(text)

    def erase(self, person, label, value, dry_run):
        if not person.found:
            self.stdout.write(f"No personal data found for {label} {value}.")
            return
        try:
            with transaction.atomic():
                done = personal_data_erase(person)
                if dry_run:
                    raise DryRun
                audit_personal_data(
                    AuditEntry.Action.DATA_ERASED, label=label, value=value, detail=done
                )
        except DryRun:
            pass
        prefix = "Would erase" if dry_run else "Erased"
        if not any(done[k] for k in ("complaints", "notifications", "accounts", "login_attempts")):
            self.stdout.write(f"Nothing left to erase for {label} {value}.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix} the personal data of {label} {value}: "
                f"reporter details of {done['complaints']} complaint(s), "
                f"address and text of {done['notifications']} notification(s), "
                f"{done['accounts']} account(s) anonymised and locked, "
                f"{done['login_attempts']} log-in attempt(s) deleted. "
                "Complaints, timelines and statistics are kept."
            )
        )
