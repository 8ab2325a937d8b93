import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from complaints.models import Open311Client, digest_key

NAME_MAX = Open311Client._meta.get_field("name").max_length


class Command(BaseCommand):
    help = (
        "Register an Open311 client and print its new api_key once (SPEC §10). The key is "
        "stored only as a SHA-256 digest. An existing name is refused unless --rotate is given, "
        "which issues a new key (the old one stops working) and re-activates the client."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="the client's name, e.g. the city app's")
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="replace the key of an existing client instead of creating one",
        )

    def handle(self, *args, name, rotate, **options):
        name = " ".join(name.split())
        if not name:
            raise CommandError("Give the client's name.")
        if len(name) > NAME_MAX:
            raise CommandError(f"The name is too long (at most {NAME_MAX} characters).")
        api_key = secrets.token_urlsafe(32)  # 256 bits
        with transaction.atomic():
            client = Open311Client.objects.select_for_update().filter(name=name).first()
            if rotate:
                if client is None:
                    raise CommandError(
                        f'No Open311 client is named "{name}"; leave out --rotate to create it.'
                    )
                client.api_key_digest = digest_key(api_key)
                client.is_active = True
                client.save(update_fields=["api_key_digest", "is_active"])
                done = f'New api_key for Open311 client "{name}"; the old key no longer works.'
            else:
                if client is not None:
                    raise CommandError(
                        f'An Open311 client named "{name}" already exists; use --rotate to '
                        "give it a new api_key."
                    )
                try:
                    with transaction.atomic():
                        Open311Client.objects.create(name=name, api_key_digest=digest_key(api_key))
                except IntegrityError as e:  # created meanwhile by a concurrent run
                    raise CommandError(
                        f'An Open311 client named "{name}" already exists; use --rotate to '
                        "give it a new api_key."
                    ) from e
                done = f'Created Open311 client "{name}".'
        self.stdout.write(self.style.SUCCESS(done))
        self.stdout.write("Its api_key (shown only now, store it safely):")
        self.stdout.write(api_key)
