from django.core.management.base import BaseCommand

from opd.reference import load_reference


class Command(BaseCommand):
    help = "Load or update Badung's areas, OPDs, sectors, categories and routing rules."

    def handle(self, *args, **options):
        counts = load_reference()
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {summary}."))
