import csv

import pytest
from django.core.management import call_command

from opd.models import Category, Desa, Kecamatan, Opd, RoutingRule, Sector
from opd.routing import opd_for

pytestmark = pytest.mark.django_db


def test_all_areas_of_badung_are_loaded():
    assert Kecamatan.objects.count() == 6
    assert Desa.objects.count() == 62
    assert Desa.objects.filter(kind="kelurahan").count() == 16
    assert Desa.objects.get(code="51.03.02.2020").name == "Kuwum"
    assert Desa.objects.filter(kecamatan__code="51.03.02").count() == 20


def test_opds_include_kecamatan_offices_and_water_utility():
    assert Opd.objects.get(code="PDAM").kind == "bumd"
    offices = Opd.objects.filter(kind="kecamatan")
    assert offices.count() == 6
    assert all(o.kecamatan_id for o in offices)
    assert Opd.objects.get(code="KEC_PETANG").kecamatan.code == "51.03.04"


def test_sectors_and_categories():
    assert Sector.objects.count() == 9
    assert Category.objects.count() >= 35
    pju = Category.objects.get(code="pju_mati")
    assert pju.default_opd.code == "DISHUB"
    assert pju.sector.code == "infrastruktur"
    assert pju.target_working_days == 5


def test_loading_twice_changes_nothing():
    before = (Desa.objects.count(), Opd.objects.count(), RoutingRule.objects.count())
    call_command("load_reference", verbosity=0)
    assert (Desa.objects.count(), Opd.objects.count(), RoutingRule.objects.count()) == before


def test_kecamatan_rule_wins_over_general_rule():
    category = Category.objects.get(code="kegiatan_adat_upacara")
    kuta = Kecamatan.objects.get(code="51.03.01")
    assert opd_for(category, kuta).code == "KEC_KUTA"
    assert opd_for(category, None).code == "DISBUD"
    assert opd_for(Category.objects.get(code="jalan_rusak"), kuta).code == "PUPR"


def test_codes_and_names_match_the_researched_list(shared_reference):
    with (shared_reference / "badung_regions.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["level"] == "4"]
    loaded = dict(Desa.objects.values_list("code", "name"))
    assert loaded == {r["code"]: r["name"] for r in rows}
