"""Load the reference data shipped in opd/data/ (SPEC §2); safe to run again and again."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from . import routing
from .models import Category, Desa, Kecamatan, Opd, RoutingRule, Sector

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(name):
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@transaction.atomic
def load_reference():
    """Create or update every area, sector, OPD, category and routing rule; return counts."""
    kecamatan = {}
    regions = _rows("regions.csv")
    for row in regions:
        if row["kind"] == "kecamatan":
            kecamatan[row["code"]], _ = Kecamatan.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "latitude": Decimal(row["lat"]),
                    "longitude": Decimal(row["lon"]),
                },
            )
    desa_count = 0
    for row in regions:
        if row["kind"] in {"desa", "kelurahan"}:
            Desa.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "kind": row["kind"],
                    "kecamatan": kecamatan[row["parent_code"]],
                    "latitude": Decimal(row["lat"]),
                    "longitude": Decimal(row["lon"]),
                },
            )
            desa_count += 1

    sectors = {}
    for position, row in enumerate(_rows("sectors.csv")):
        sectors[row["code"]], _ = Sector.objects.update_or_create(
            code=row["code"],
            defaults={"name_id": row["name_id"], "name_en": row["name_en"], "position": position},
        )

    opds = {}
    for row in _rows("opds.csv"):
        opd, _ = Opd.objects.update_or_create(
            code=row["code"],
            defaults={
                "abbreviation": row["abbreviation"],
                "name": row["name"],
                "kind": row["kind"],
                "kecamatan": kecamatan.get(row["kecamatan_code"]),
            },
        )
        opd.sectors.set([sectors[s] for s in row["sectors"].split(";") if s])
        opds[row["code"]] = opd

    categories = {}
    for row in _rows("categories.csv"):
        category, _ = Category.objects.update_or_create(
            code=row["code"],
            defaults={
                "sector": sectors[row["sector"]],
                "name_id": row["name_id"],
                "name_en": row["name_en"],
                "default_opd": opds[row["default_opd"]],
                "target_working_days": int(row["target_working_days"]),
            },
        )
        categories[row["code"]] = category
        # The general rule starts as the category's default OPD; admins may change it later.
        RoutingRule.objects.get_or_create(
            category=category, kecamatan=None, defaults={"opd": category.default_opd}
        )

    for row in _rows("routing_rules.csv"):
        RoutingRule.objects.get_or_create(
            category=categories[row["category"]],
            kecamatan=kecamatan[row["kecamatan_code"]],
            defaults={"opd": opds[row["opd"]]},
        )

    routing.forget_rules()
    return {
        "kecamatan": len(kecamatan),
        "desa": desa_count,
        "sectors": len(sectors),
        "opds": len(opds),
        "categories": len(categories),
        "routing_rules": RoutingRule.objects.count(),
    }
