import time

from django.core.management.base import BaseCommand, CommandError

from complaints import router


class Command(BaseCommand):
    help = (
        "Train the category router on the labelled examples and every staff correction of a "
        "category, and store it as a new version (used by every process within a minute)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="no progress bar on stderr")

    def handle(self, *args, quiet=False, **options):
        started = time.monotonic()

        def progress(done, total, label):
            if quiet:
                return
            filled = round(20 * done / total)
            self.stderr.write(
                f"\r  [{'#' * filled}{'.' * (20 - filled)}] {done}/{total} "
                f"{time.monotonic() - started:5.1f} s  {label:<28}",
                style_func=str,
                ending="\n" if done == total else "",
            )
            self.stderr.flush()

        try:
            row = router.train(progress=progress)
        except router.ExamplesError as e:
            raise CommandError(f"The examples cannot be read: {e}") from e
        m = row.metrics
        self.stdout.write(
            self.style.SUCCESS(
                f"Router v{row.version} trained on {row.example_count} examples "
                f"({m['file_examples']} from {router.EXAMPLES_FILE.name}, "
                f"{m['correction_examples']} staff corrections) in {m['seconds']} s."
            )
        )
        self.stdout.write(
            f"Cross-validated accuracy ({m['folds']} folds): "
            f"top-1 {100 * m['cv_top1']:.1f} %, top-3 {100 * m['cv_top3']:.1f} %."
        )
