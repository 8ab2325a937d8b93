from django.core.management.base import BaseCommand

from complaints.demo import PASSWORD, load_demo


class Command(BaseCommand):
    help = "Create demo complaints and one demo account per role (printed with the password)."

    def handle(self, *args, **options):
        rows = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {PASSWORD})"))
        for username, role, scope in rows:
            self.stdout.write(f"  {username:<14} {role:<12} {scope}")
