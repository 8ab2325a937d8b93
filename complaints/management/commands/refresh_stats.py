from django.core.management.base import BaseCommand

from complaints import stats


class Command(BaseCommand):
    help = "Sum newly closed complaints into the dashboard rollups (--full: rebuild them)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="rebuild every month")

    def handle(self, *args, full=False, **options):
        result = stats.refresh_rollups(full=full)
        if result.get("skipped"):
            self.stdout.write("Another refresh is running; nothing done.")
            return
        what = "rebuilt" if result["rebuilt"] else "updated"
        self.stdout.write(
            f"Rollups {what}: {result['months']} month(s), closed before {result['until']}."
        )
