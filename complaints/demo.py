"""Demo accounts and complaints for a first look at the portal (`manage.py load_demo`)."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import actor_for
from accounts.services import staff_create
from opd.models import Category, Desa, Opd

from . import lifecycle
from .models import Complaint

DEMO_SOURCE = "demo"

ACCOUNTS = [  # username, role, opd, kecamatan
    ("verifikator", "verifier", None, None),
    ("petugas.pupr", "opd_officer", "PUPR", None),
    ("kepala.pupr", "opd_head", "PUPR", None),
    ("petugas.dlhk", "opd_officer", "DLHK", None),
    ("camat.kuta", "camat", None, "51.03.01"),
    ("pimpinan", "leadership", None, None),
    ("admin", "sysadmin", None, None),
]
PASSWORD = "badung-demo-2026"  # noqa: S105 - demo accounts only, printed by load_demo

# title, description, category, desa, privacy, lang, how far it got, days ago
COMPLAINTS = [
    (
        "Jalan berlubang di Jalan Raya Kerobokan",
        "Lubang besar di depan minimarket dekat simpang Banjar Taman, sudah dua pengendara "
        "motor jatuh minggu ini. Mohon segera ditambal.",
        "jalan_rusak",
        "51.03.06.1001",
        "public",
        "id",
        "resolved",
        12,
    ),
    (
        "Sampah menumpuk di TPS dekat Pasar Kapal",
        "Sampah rumah tangga sudah tiga hari tidak diangkut, bau menyengat dan mulai "
        "dikerubungi lalat.",
        "sampah_tidak_terangkut",
        "51.03.02.1004",
        "public",
        "id",
        "in_progress",
        4,
    ),
    (
        "Street light out on Jalan Pantai Kuta",
        "Three street lights in a row near the beach entrance have been dark for a week. "
        "It is unsafe to walk there at night.",
        "pju_mati",
        "51.03.01.1002",
        "public",
        "en",
        "dispatched",
        2,
    ),
    (
        "Got tersumbat, air meluap ke jalan",
        "Setiap hujan got di depan rumah kami meluap karena tersumbat sampah plastik.",
        "drainase_genangan",
        "51.03.05.1006",
        "anonymous",
        "id",
        "info_requested",
        6,
    ),
    (
        "Pungutan liar saat mengurus surat",
        "Saya diminta membayar di luar tarif resmi saat mengurus surat keterangan.",
        "pungli_korupsi",
        "51.03.03.2001",
        "confidential",
        "id",
        "submitted",
        1,
    ),
    (
        "Rubbish on Kedonganan beach after the storm",
        "Lots of plastic washed up along the fish market side of the beach.",
        "sampah_pantai",
        "51.03.01.1003",
        "public",
        "en",
        "submitted",
        0,
    ),
    (
        "Jembatan banjar retak dan miring",
        "Jembatan kecil penghubung banjar retak di bagian tengah setelah hujan deras, "
        "warga takut melintas dengan sepeda motor.",
        "jembatan_rusak",
        "51.03.04.2001",
        "public",
        "id",
        "closed",
        20,
    ),
]


def _demo_user(username):
    return User.objects.get(username=username)


@transaction.atomic
def load_demo():
    """Create the demo accounts and complaints once; return the accounts as (user, role) rows."""
    rows = []
    for username, role, opd, kecamatan in ACCOUNTS:
        staff_create(
            username=username,
            password=PASSWORD,
            role=role,
            opd_code=opd,
            kecamatan_code=kecamatan,
            email=f"{username}@demo.badungkab.go.id",
        )
        rows.append((username, role, opd or kecamatan or ""))
    citizen, created = User.objects.get_or_create(
        username="warga",
        defaults={"first_name": "Made", "last_name": "Warga", "email": "warga@example.com"},
    )
    if created:
        citizen.set_password(PASSWORD)
        citizen.save()
    rows.append(("warga", "citizen", ""))

    if not Complaint.objects.filter(source_reference__startswith=DEMO_SOURCE).exists():
        for number, row in enumerate(COMPLAINTS, start=1):
            _file_demo(number, row, citizen)
    return rows


def _file_demo(number, row, citizen):
    title, description, category, desa, privacy, lang, stage, days_ago = row
    category = Category.objects.get(code=category)
    desa = Desa.objects.select_related("kecamatan").get(code=desa)
    filed_at = timezone.now() - datetime.timedelta(days=days_ago, hours=number)
    complaint, _key = lifecycle.file_complaint(
        actor=actor_for(citizen if number == 1 else None),
        title=title,
        description=description,
        category=category,
        desa=desa,
        privacy=privacy,
        language=lang,
        reporter_name="Made Warga" if number == 1 else "Ketut Demo",
        reporter_email="warga@example.com",
        source_reference=f"{DEMO_SOURCE}:{number}",
        now=filed_at,
    )
    if stage == "submitted":
        return
    verifier = actor_for(_demo_user("verifikator"))
    opd = complaint.suggested_opd or Opd.objects.get(code="PUPR")
    lifecycle.dispatch(complaint, actor=verifier, opd=opd, note="Demo")
    if stage == "dispatched":
        return
    handler = _handler_for(opd)
    lifecycle.acknowledge(complaint, actor=handler)
    if stage == "info_requested":
        lifecycle.request_info(
            complaint,
            actor=handler,
            message="Mohon kirim foto dan titik lokasi got yang tersumbat.",
        )
        return
    lifecycle.respond(
        complaint,
        actor=handler,
        message="Tim sudah dijadwalkan ke lokasi dalam dua hari kerja.",
        public=True,
    )
    if stage == "in_progress":
        return
    lifecycle.resolve(
        complaint,
        actor=handler,
        resolution="Perbaikan selesai dikerjakan; lokasi sudah aman kembali digunakan.",
    )
    if stage == "closed":
        reporter = actor_for(None).with_access_key_for(complaint)
        lifecycle.rate(complaint, actor=reporter, score=5, comment="Cepat, terima kasih.")


def _handler_for(opd):
    """A demo officer of the OPD (every demo complaint past dispatch goes to PUPR or DLHK)."""
    return actor_for(opd.rolegrant_set.select_related("user").first().user)
