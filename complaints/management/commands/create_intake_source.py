from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from complaints.intake import SIGNATURE_MAX_AGE, intake_source_create, intake_source_rotate
from complaints.models import Channel, IntakeSource


class Command(BaseCommand):
    help = (
        "Register a source of the intake webhook (a social-media monitor or a WhatsApp gateway) "
        "and print its secret once; --rotate gives an existing source a new secret (SPEC §8.2)."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="lower-case letters, digits, - and _, e.g. wa-gateway")
        parser.add_argument(
            "--channel",
            choices=[Channel.SOCIAL_MEDIA, Channel.WHATSAPP],
            help="social_media (the default for a new source) or whatsapp",
        )
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="issue a new secret to an existing source; the old one stops working at once",
        )

    def handle(self, *args, name, channel, rotate, **options):
        if rotate:
            source = IntakeSource.objects.filter(name=name).first()
            if source is None:
                raise CommandError(f"No intake source is named {name!r}.")
            if channel and channel != source.channel:
                raise CommandError(
                    "--rotate changes only the secret; change the channel in the admin."
                )
            source, secret = intake_source_rotate(source)
            self.stdout.write(f"New secret for intake source {name} (the old one is revoked):")
        else:
            if IntakeSource.objects.filter(name=name).exists():
                raise CommandError(
                    f"An intake source named {name!r} exists already. Use --rotate to give it a "
                    "new secret."
                )
            try:
                with translation.override("en"):  # operators' messages in English
                    source, secret = intake_source_create(
                        name=name, channel=channel or Channel.SOCIAL_MEDIA
                    )
            except ValidationError as e:
                raise CommandError(" ".join(e.messages)) from e
            self.stdout.write(f"Created intake source {name} ({source.channel}). Its secret:")
        self.stdout.write(secret)
        self.stdout.write(
            "It is shown only this once. Sign each POST to "
            f"/api/v1/intake/{name}/ with the headers X-Timestamp (unix seconds, within "
            f"{SIGNATURE_MAX_AGE // 60} minutes) and X-Signature: sha256=<hex HMAC-SHA256 of "
            '"<timestamp>.<raw body>" with this secret>.'
        )
