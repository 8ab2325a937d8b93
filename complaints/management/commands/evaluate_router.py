from django.core.management.base import BaseCommand, CommandError

from complaints import router
from opd.models import Category


class Command(BaseCommand):
    help = (
        "Accuracy of the category router (top-1 and top-3, category and OPD): on FILE, a JSONL "
        'file of {"text": ..., "category": ...} (optional "desa_code" or "kecamatan" for the '
        "OPD), with the newest trained router; without FILE, on a held-out fifth of the "
        "training examples with a router trained on the rest (nothing is stored)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="JSONL file of labelled texts")

    def handle(self, *args, file=None, **options):
        known = set(Category.objects.values_list("code", flat=True))
        try:
            if file:
                examples = router.read_examples(file, known=known)
                model = router.current()
                if model is None:
                    raise CommandError(
                        "No router has been trained yet: run `manage.py train_router` first."
                    )
                where = f"{file} with router v{router.loaded_version()}"
            else:
                from_file, corrections = router.training_examples()
                train, examples = router.held_out_split(from_file + corrections)
                model, _metrics = router.fit(train)
                where = (
                    f"a held-out fifth of the training examples, with a router trained "
                    f"on the other {len(train)}"
                )
            result = router.evaluate(model, examples)
        except router.ExamplesError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"{result['texts']} texts from {where}:")
        self.stdout.write(
            f"  category  top-1 {100 * result['category_top1']:5.1f} %   "
            f"top-3 {100 * result['category_top3']:5.1f} %"
        )
        if result["opd_texts"]:
            self.stdout.write(
                f"  OPD       top-1 {100 * result['opd_top1']:5.1f} %   "
                f"top-3 {100 * result['opd_top3']:5.1f} %"
            )
