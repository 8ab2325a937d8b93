"""The per-process copy of reference rows: no queries on hot paths, fresh after an edit."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.roles import ANONYMOUS
from complaints.access import get_complaint_for
from opd import cached, routing
from opd.admin import OpdAdmin
from opd.models import Category, Desa, Opd
from tests.factories import file

pytestmark = pytest.mark.django_db


def test_a_tracking_lookup_reads_only_the_complaint_once_the_copy_is_loaded():
    c, _key = file(category="jalan_rusak", desa="51.03.01.1001")
    get_complaint_for(ANONYMOUS, c.tracking_code)  # loads the copy
    with CaptureQueriesContext(connection) as queries:
        access = get_complaint_for(ANONYMOUS, c.tracking_code)
        names = (
            access.complaint.category.name,
            access.complaint.category.sector.code,
            access.complaint.desa.kecamatan.name,
            access.complaint.kecamatan.name,
        )
    assert len(queries) == 1
    assert names[0] == Category.objects.get(code="jalan_rusak").name
    assert names[2] == Desa.objects.get(code="51.03.01.1001").kecamatan.name


def test_an_edit_is_seen_once_the_copy_is_forgotten():
    category = Category.objects.get(code="jalan_rusak")
    assert cached.active_categories_by_code()["jalan_rusak"].name_id == category.name_id
    Category.objects.filter(pk=category.pk).update(name_id="Jalan berlubang", is_active=False)
    assert "jalan_rusak" in cached.active_categories_by_code()  # still the copy
    routing.forget_rules()  # what the admin and load_reference call
    assert "jalan_rusak" not in cached.active_categories_by_code()
    assert cached.desa_by_code()["51.03.01.1001"].kecamatan.code == "51.03.01"


def test_an_opd_switched_off_in_the_admin_stops_taking_complaints_at_once(admin_user):
    category = Category.objects.get(code="jalan_rusak")
    pupr = Opd.objects.get(code="PUPR")
    assert routing.opd_for(category) == pupr  # the rules are now in this process's copy
    pupr.is_active = False
    request = RequestFactory().post("/admin/opd/opd/")
    request.user = admin_user
    OpdAdmin(Opd, admin.site).save_model(request, pupr, form=None, change=True)
    assert routing.opd_for(category) != pupr
