from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.models import Role
from accounts.services import staff_create


class Command(BaseCommand):
    help = "Create or update a staff account with a role (SPEC §10)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, help=", ".join(Role.values))
        parser.add_argument("--opd", help="OPD code, for opd_officer and opd_head")
        parser.add_argument("--kecamatan", help="Kemendagri code of the kecamatan, for camat")
        parser.add_argument("--email", default="")

    def handle(self, *args, **o):
        try:
            # Operators' messages in English, like the rest of the command line.
            with translation.override("en"):
                user, created = staff_create(
                    username=o["username"],
                    password=o["password"],
                    role=o["role"],
                    opd_code=o["opd"],
                    kecamatan_code=o["kecamatan"],
                    email=o["email"],
                )
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from e
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {user.username} with role {o['role']}."))
