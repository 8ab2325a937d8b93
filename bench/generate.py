"""Benchmark data for Badung Portal (issue 6): years of realistic complaints, loaded with COPY.

    python -m bench.generate --complaints 1000000 [--wipe | --add] [--seed 1] [--years 3]
    python -m bench.generate --make-due 1000

Every complaint is simulated along the lifecycle of complaints/lifecycle.py (filed, verified,
dispatched, acknowledged, responded, information requested, resolved, rated or closed
automatically, rejected, merged, returned) with timestamps that only move forward, then cut at
"now": old complaints are finished, recent ones are somewhere on their way. Due dates come from
the real working-day calendar (opd.calendar: weekends, national holidays, cuti bersama, admin
days off), the escalation ledger holds the steps the deadline sweep would have taken, and
`next_check_on` is what complaints.deadlines.next_check_on gives, so that a sweep on the
generated data has nothing to do until a day comes (or `make_due` makes some complaints due).

Rows are streamed into the real tables with COPY, in chunks of a few thousand complaints, each
chunk in its own transaction; a worker process builds the next chunk while PostgreSQL loads the
current one. The schema is never changed. Access keys are derived from the tracking code
(`access_key_for`), so that a load test can present them.
"""
# ruff: noqa: E402 - Django is set up before the app imports; the RNG makes test data.

import argparse
import bisect
import collections
import csv
import datetime
import hashlib
import io
import itertools
import math
import multiprocessing
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badung_portal.settings")

import django

django.setup()

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from accounts.services import staff_create
from complaints.lifecycle import TRACKING_ALPHABET, TRACKING_LENGTH
from complaints.models import (
    Attachment,
    Complaint,
    Escalation,
    Event,
    Notification,
    Supporter,
    digest_key,
)
from opd import calendar
from opd.models import Category, Desa, Opd, RoutingRule
from opd.reference import load_reference

BENCH_PASSWORD = "bench-pass-2026"
BENCH_ACCOUNTS = [
    # username, role, OPD code, kecamatan code
    ("bench_officer", "opd_officer", "PUPR", None),
    ("bench_head", "opd_head", "PUPR", None),
    ("bench_camat", "camat", None, "51.03.01"),
    ("bench_verifier", "verifier", None, None),
    ("bench_leader", "leadership", None, None),
]

# Reference facts --------------------------------------------------------------------------

# Share of all complaints per kecamatan: the tourist south and Mengwi are the busiest.
KECAMATAN_SHARE = {
    "51.03.05": 0.23,  # Kuta Selatan
    "51.03.01": 0.21,  # Kuta
    "51.03.06": 0.22,  # Kuta Utara
    "51.03.02": 0.20,  # Mengwi
    "51.03.03": 0.09,  # Abiansemal
    "51.03.04": 0.05,  # Petang
}
DESA_BOOST = {
    "Kuta": 1.7,
    "Legian": 1.4,
    "Seminyak": 1.4,
    "Jimbaran": 1.6,
    "Benoa": 1.3,
    "Canggu": 1.5,
    "Dalung": 1.4,
    "Kerobokan Kelod": 1.3,
    "Tibubeneng": 1.2,
    "Kapal": 1.2,
    "Abianbase": 1.2,
    "Darmasaba": 1.4,
    "Ungasan": 1.1,
    "Pecatu": 1.1,
}
TOURIST = {"51.03.01", "51.03.05", "51.03.06"}
COASTAL = {"51.03.01", "51.03.05", "51.03.06", "51.03.02"}
RURAL = {"51.03.03", "51.03.04"}

CATEGORY_WEIGHT = {
    "jalan_rusak": 90,
    "jembatan_rusak": 10,
    "drainase_genangan": 60,
    "pju_mati": 60,
    "air_pdam": 45,
    "irigasi_subak": 12,
    "rumah_tidak_layak_huni": 8,
    "sampah_tidak_terangkut": 80,
    "tps_liar": 35,
    "sampah_pantai": 15,
    "pencemaran_limbah": 20,
    "pembakaran_sampah": 18,
    "pohon_taman": 18,
    "kemacetan": 50,
    "parkir_liar": 35,
    "rambu_lampu_lalin": 20,
    "angkutan_umum": 10,
    "banjir": 30,
    "tanah_longsor": 6,
    "pohon_tumbang": 15,
    "kebakaran": 5,
    "abrasi_pantai": 4,
    "evakuasi_hewan": 8,
    "pasar_tradisional": 12,
    "harga_kebutuhan_pokok": 10,
    "perizinan_usaha": 15,
    "ketenagakerjaan": 8,
    "destinasi_wisata": 12,
    "pertanian_peternakan": 8,
    "pelayanan_puskesmas": 15,
    "pelayanan_rsud": 15,
    "jaminan_kesehatan": 15,
    "demam_berdarah": 10,
    "keamanan_pangan": 5,
    "anjing_liar_rabies": 20,
    "kegiatan_adat_upacara": 12,
    "cagar_budaya": 4,
    "pendidikan_sekolah": 15,
    "bantuan_sosial": 12,
    "perlindungan_perempuan_anak": 4,
    "administrasi_kependudukan": 25,
    "pungli_korupsi": 6,
    "pelayanan_aparatur": 8,
    "pelayanan_desa_kelurahan": 10,
    "pajak_daerah": 10,
    "layanan_digital": 8,
    "pkl_trotoar": 15,
    "kebisingan": 20,
    "bangunan_tanpa_izin": 15,
    "gepeng_pedagang_acung": 10,
}
TOURIST_BOOST = {
    "kemacetan": 1.6,
    "parkir_liar": 1.5,
    "sampah_pantai": 2.5,
    "abrasi_pantai": 2.0,
    "destinasi_wisata": 2.0,
    "kebisingan": 2.2,
    "gepeng_pedagang_acung": 2.0,
    "pkl_trotoar": 1.5,
    "bangunan_tanpa_izin": 1.5,
    "irigasi_subak": 0.3,
    "pertanian_peternakan": 0.3,
}
RURAL_BOOST = {
    "irigasi_subak": 3.0,
    "pertanian_peternakan": 3.0,
    "tanah_longsor": 3.0,
    "jalan_rusak": 1.3,
    "destinasi_wisata": 0.7,
    "kemacetan": 0.4,
    "kebisingan": 0.4,
    "parkir_liar": 0.4,
    "gepeng_pedagang_acung": 0.2,
}
RAINY = {11, 12, 1, 2, 3}
DRY = {6, 7, 8, 9}
FLOOD_CATEGORIES = {"banjir": 50, "drainase_genangan": 25, "pohon_tumbang": 15, "tanah_longsor": 10}


def _season(code, month):
    """Seasonal factor: rain and floods from November to March, ogoh-ogoh before Nyepi."""
    if code in {"banjir", "drainase_genangan", "pohon_tumbang", "tanah_longsor"}:
        return 2.0 if month in RAINY else (0.4 if month in DRY else 1.0)
    if code == "sampah_pantai":  # the west monsoon washes rubbish onto Kuta beach
        return 3.0 if month in {12, 1, 2, 3} else 0.5
    if code == "kegiatan_adat_upacara":
        return 4.0 if month == 3 else 1.0
    if code == "demam_berdarah":
        return 2.5 if month in {1, 2, 3, 4} else 0.8
    if code in {"kebakaran", "pembakaran_sampah"}:
        return 2.0 if month in {7, 8, 9, 10} else 0.8
    if code in {"kemacetan", "destinasi_wisata"}:
        return 1.3 if month in {7, 8, 12} else 1.0
    return 1.0


MONTH_VOLUME = {1: 1.35, 2: 1.3, 3: 1.15, 4: 0.95, 5: 0.9, 6: 0.95}
MONTH_VOLUME.update({7: 1.05, 8: 1.05, 9: 0.9, 10: 0.95, 11: 1.1, 12: 1.3})
WEEKDAY_VOLUME = [1.2, 1.1, 1.05, 1.0, 0.95, 0.8, 0.75]
HOUR_VOLUME = [0.3, 0.2, 0.1, 0.1, 0.2, 0.5, 1.5, 3, 5, 6, 6, 5.5]
HOUR_VOLUME += [5, 5, 5, 5, 5, 5, 5.5, 6, 6, 5, 3, 1.5]

KINDS = (("complaint", 82), ("aspiration", 12), ("information", 6))
PRIVACIES = (("public", 80), ("anonymous", 15), ("confidential", 5))
CHANNELS = (
    ("web", 48),
    ("whatsapp", 18),
    ("social_media", 10),
    ("api", 9),
    ("phone", 8),
    ("walk_in", 7),
)
# Working days until the desk decides, the OPD first answers (weights).
VERIFY_DELAY = ((0, 30), (1, 35), (2, 15), (3, 10), (4, 4), (5, 3), (7, 2), (10, 1))
ACK_DELAY = ((0, 25), (1, 25), (2, 15), (3, 10), (4, 7), (5, 6), (6, 4), (8, 3), (10, 2))
ACK_DELAY += ((15, 2), (25, 1))
RATINGS = ((5, 35), (4, 30), (3, 15), (2, 10), (1, 10))

STREETS = {
    "51.03.01": "Jl. Legian|Jl. Pantai Kuta|Jl. Kartika Plaza|Jl. Raya Kuta|Jl. Bakung Sari|"
    "Jl. Poppies Lane II|Jl. Dewi Sri|Jl. Sunset Road|Jl. Double Six|Jl. Camplung Tanduk|"
    "Jl. Kayu Aya|Jl. Raya Tuban|Jl. Dewi Sartika|Jl. Bypass Ngurah Rai|Jl. Pantai Kedonganan|"
    "Jl. Kubu Anyar|Jl. Raya Seminyak|Jl. Nakula",
    "51.03.05": "Jl. Raya Uluwatu|Jl. Bypass Ngurah Rai|Jl. Pratama|Jl. Raya Nusa Dua|"
    "Jl. Bukit Permai|Jl. Raya Kampus Unud|Jl. Goa Gong|Jl. Pantai Pandawa|Jl. Raya Pecatu|"
    "Jl. Labuan Sait|Jl. Taman Griya|Jl. Siligita|Jl. Raya Kutuh|Jl. Karang Mas|"
    "Jl. Pantai Jimbaran",
    "51.03.06": "Jl. Raya Canggu|Jl. Batu Bolong|Jl. Pantai Berawa|Jl. Raya Kerobokan|"
    "Jl. Petitenget|Jl. Raya Umalas|Jl. Raya Dalung|Jl. Gunung Tangkuban Perahu|"
    "Jl. Raya Padonan|Jl. Tegal Cupek|Jl. Pantai Batu Mejan|Jl. Raya Tibubeneng|Jl. Mertanadi",
    "51.03.02": "Jl. Raya Mengwi|Jl. Raya Kapal|Jl. Raya Sempidi|Jl. Raya Munggu|Jl. Pantai Seseh|"
    "Jl. Raya Cemagi|Jl. Raya Sading|Jl. Raya Abianbase|Jl. Taman Ayun|Jl. Raya Lukluk|"
    "Jl. Raya Pererenan|Jl. Raya Buduk|Jl. Raya Penarungan",
    "51.03.03": "Jl. Raya Darmasaba|Jl. Raya Sangeh|Jl. Raya Mambal|Jl. Raya Blahkiuh|"
    "Jl. Raya Abiansemal|Jl. Raya Sibang|Jl. Raya Jagapati|Jl. Raya Bongkasa|Jl. Raya Angantaka",
    "51.03.04": "Jl. Raya Petang|Jl. Raya Pelaga|Jl. Raya Carangsari|Jl. Raya Pangsan|"
    "Jl. Raya Getasan|Jl. Raya Sulangai|Jl. Raya Belok Sidan",
}
BANJAR = [
    "Banjar Tengah",
    "Banjar Kaja",
    "Banjar Kelod",
    "Banjar Kangin",
    "Banjar Kauh",
    "Banjar Dauh Peken",
    "Banjar Anyar",
    "Banjar Pande",
    "Banjar Taman",
    "Banjar Batu",
    "Banjar Sari",
    "Banjar Delod Peken",
    "Banjar Pengubengan",
    "Banjar Teges",
    "Banjar Tegal",
    "Banjar Semer",
    "Banjar Pemebetan",
]
LANDMARKS = (
    ("di depan Pura Desa {desa}", "in front of the village temple of {desa}"),
    ("dekat balai banjar", "near the banjar hall"),
    ("di depan SD Negeri {n} {desa}", "in front of state primary school {n} in {desa}"),
    ("dekat Pasar {desa}", "near the {desa} market"),
    ("di perempatan dekat minimarket", "at the crossroads by the minimarket"),
    ("dekat Puskesmas {desa}", "near the {desa} health centre"),
    ("di depan Kantor Desa {desa}", "in front of the {desa} village office"),
    ("di gang menuju pantai", "in the lane down to the beach"),
    ("di sebelah lapangan {desa}", "next to the {desa} sports field"),
)

# Per category: Indonesian titles | problems | impacts, English titles | problems | impacts,
# and what the OPD did (Indonesian, English). Problems end without a full stop.
CATEGORY_TEXTS = {
    "jalan_rusak": (
        "Jalan berlubang di {loc}|Aspal rusak parah di {desa}|Trotoar ambles di {loc}|"
        "Lubang besar di {loc} membahayakan pengendara",
        "Jalan di {loc} berlubang besar dan aspalnya mengelupas|Ada lubang dalam di tengah "
        "jalan {loc} yang tertutup air saat hujan|Trotoar di {loc} ambles dan paving block "
        "lepas",
        "Sudah beberapa pengendara motor jatuh di sini.|Sangat berbahaya pada malam hari.|"
        "Pejalan kaki terpaksa berjalan di badan jalan.",
        "Pothole on {loc}|Badly damaged road in {desa}|Broken sidewalk on {loc}",
        "The road at {loc} has deep potholes and the asphalt is breaking up|There is a big hole "
        "in the middle of {loc} that fills with water when it rains|The sidewalk on {loc} has "
        "sunk and the paving stones are loose",
        "Several scooter riders have already fallen here.|It is really dangerous at night.|"
        "Pedestrians have to walk in the traffic.",
        "lubang sudah ditambal dan permukaan jalan diratakan kembali",
        "the potholes have been patched and the road surface levelled",
    ),
    "jembatan_rusak": (
        "Jembatan retak di {loc}|Gorong-gorong jebol di {desa}|Pagar jembatan rusak di {loc}",
        "Jembatan kecil di {loc} retak dan lantainya mulai berlubang|Gorong-gorong di bawah {loc} "
        "jebol sehingga badan jalan amblas|Pagar pengaman jembatan di {loc} patah",
        "Truk dan kendaraan berat masih lewat setiap hari.|Anak-anak sekolah melintas di jembatan "
        "ini.|Dikhawatirkan jembatan putus saat banjir.",
        "Cracked bridge on {loc}|Collapsed culvert in {desa}|Broken bridge railing on {loc}",
        "The small bridge on {loc} is cracked and holes are opening in the deck|The culvert "
        "under {loc} has collapsed and the road above is sinking|The safety railing of the bridge "
        "on {loc} is broken",
        "Trucks still cross it every day.|School children walk over this bridge.|We fear it "
        "will give way in the next flood.",
        "struktur jembatan sudah diperkuat dan pagar pengaman dipasang kembali",
        "the bridge structure has been reinforced and the railing replaced",
    ),
    "drainase_genangan": (
        "Got tersumbat di {loc}|Genangan air setiap hujan di {desa}|Saluran drainase mampet di "
        "{loc}",
        "Saluran got di {loc} tersumbat sampah dan lumpur sehingga air meluap ke jalan|Setiap "
        "hujan air menggenang setinggi betis di {loc} karena drainase tidak mengalir|Penutup got "
        "di {loc} pecah dan salurannya penuh endapan",
        "Air masuk ke rumah warga dan toko.|Genangan menimbulkan bau dan jentik nyamuk.|"
        "Kendaraan terpaksa melambat dan macet.",
        "Blocked drain on {loc}|Standing water after every rain in {desa}|Clogged gutter on {loc}",
        "The drain on {loc} is blocked with rubbish and mud so the water overflows onto the road|"
        "Every time it rains the water stands ankle deep on {loc} because the drain does not "
        "flow|The drain cover on {loc} is broken and the channel is full of sediment",
        "Water gets into houses and shops.|The standing water smells and breeds mosquitoes.|"
        "Traffic has to slow down and jams.",
        "saluran sudah dikeruk dan dibersihkan dari sampah serta lumpur",
        "the drain has been dredged and cleared of rubbish and mud",
    ),
    "pju_mati": (
        "Lampu jalan mati di {loc}|PJU padam di {desa}|Penerangan jalan mati total di {loc}",
        "Lampu penerangan jalan umum di {loc} mati|Beberapa tiang PJU di {loc} tidak menyala "
        "pada malam hari|Lampu jalan di sepanjang {loc} berkedip lalu padam",
        "Jalan menjadi gelap gulita dan rawan kejahatan.|Pengendara sulit melihat lubang dan "
        "pejalan kaki.|Warga khawatir terjadi jambret di malam hari.",
        "Street lights out on {loc}|Broken street lighting in {desa}|No street lights on {loc}",
        "The street lights on {loc} are out|Several lamp posts on {loc} do not light up at "
        "night|The street lights along {loc} flicker and then go dark",
        "The road is pitch dark and feels unsafe.|Drivers cannot see potholes or pedestrians.|"
        "People are worried about bag snatching at night.",
        "lampu PJU sudah diganti dan kembali menyala",
        "the street lamps have been replaced and are working again",
    ),
    "air_pdam": (
        "Air PDAM mati di {desa}|Pipa PDAM bocor di {loc}|Air PDAM keruh di {loc}",
        "Air PDAM di rumah kami di {loc} tidak mengalir|Pipa PDAM di {loc} bocor dan air "
        "terbuang ke jalan|Air PDAM yang keluar di {loc} keruh dan berbau",
        "Warga terpaksa membeli air galon untuk mandi dan memasak.|Tagihan tetap datang walaupun "
        "air tidak mengalir.|Banyak air bersih terbuang percuma.",
        "No piped water in {desa}|Leaking water main on {loc}|Dirty tap water on {loc}",
        "There is no PDAM water at our house on {loc}|A PDAM pipe on {loc} is leaking and the "
        "water runs down the road|The PDAM water coming out of the tap on {loc} is cloudy and "
        "smells",
        "Families have to buy bottled water to wash and cook.|The bill still comes although "
        "there is no water.|A lot of clean water is wasted.",
        "pipa yang bocor sudah diganti dan aliran air kembali normal",
        "the leaking pipe has been replaced and the water supply is back to normal",
    ),
    "irigasi_subak": (
        "Saluran irigasi subak jebol di {desa}|Irigasi tersumbat di {loc}|Senderan saluran subak "
        "runtuh di {desa}",
        "Saluran irigasi subak di {loc} jebol sehingga air tidak sampai ke sawah|Saluran irigasi "
        "di {loc} tersumbat sampah plastik dan tanah|Senderan saluran subak di dekat {loc} runtuh",
        "Petani tidak bisa menanam padi musim ini.|Sawah di hilir mulai kering.|Pekaseh sudah "
        "melapor tapi belum ada perbaikan.",
        "Broken subak irrigation channel in {desa}|Blocked irrigation channel on {loc}|Collapsed "
        "irrigation wall in {desa}",
        "The subak irrigation channel near {loc} has burst so water no longer reaches the rice "
        "fields|The irrigation channel at {loc} is blocked with plastic rubbish and soil|The "
        "retaining wall of the subak channel near {loc} has collapsed",
        "Farmers cannot plant rice this season.|The fields downstream are drying out.|The "
        "pekaseh has reported it but nothing has been repaired.",
        "saluran irigasi sudah diperbaiki dan air kembali mengalir ke sawah",
        "the irrigation channel has been repaired and water flows to the fields again",
    ),
    "rumah_tidak_layak_huni": (
        "Rumah tidak layak huni di {desa}|Permohonan bedah rumah warga {desa}|Atap rumah warga "
        "hampir roboh di {loc}",
        "Ada keluarga lansia di {loc} yang tinggal di rumah tidak layak huni dengan atap bocor|"
        "Rumah seorang warga di {loc} dindingnya retak dan atapnya hampir roboh|Kami mengajukan "
        "bantuan bedah rumah untuk warga kurang mampu di {loc}",
        "Saat hujan seluruh isi rumah basah.|Keluarga ini tidak mampu memperbaiki sendiri.|Sudah "
        "didata oleh kelian banjar tahun lalu.",
        "Substandard house in {desa}|Housing repair request in {desa}|Roof about to collapse on "
        "{loc}",
        "An elderly family on {loc} lives in a substandard house with a leaking roof|The walls "
        "of a house on {loc} are cracked and the roof is close to collapsing|We request housing "
        "repair assistance for a poor family on {loc}",
        "Everything inside gets wet when it rains.|The family cannot afford the repair.|The "
        "banjar head registered them last year.",
        "rumah tersebut sudah masuk program bedah rumah dan perbaikan telah dilaksanakan",
        "the house was included in the housing repair programme and the work has been done",
    ),
    "sampah_tidak_terangkut": (
        "Sampah tidak diangkut di {loc}|Tumpukan sampah menggunung di {desa}|Truk sampah tidak "
        "datang ke {loc}",
        "Sampah rumah tangga di {loc} tidak diangkut|Tumpukan sampah di TPS {loc} menggunung "
        "dan meluber ke jalan|Truk sampah DLHK tidak datang ke {loc} sesuai jadwal",
        "Baunya menyengat dan banyak lalat.|Anjing dan tikus mengacak-acak sampah.|Wisatawan "
        "yang lewat mengeluhkan pemandangan ini.",
        "Rubbish not collected on {loc}|Piles of garbage in {desa}|Garbage truck did not come to "
        "{loc}",
        "The household rubbish on {loc} has not been collected|The rubbish at the collection "
        "point on {loc} is piling up and spilling onto the road|The DLHK garbage truck has not "
        "come to {loc} as scheduled",
        "The smell is terrible and there are flies everywhere.|Dogs and rats tear the bags "
        "open.|Tourists passing by complain about it.",
        "sampah sudah diangkut dan jadwal pengangkutan di lokasi diperbaiki",
        "the rubbish has been collected and the collection schedule fixed",
    ),
    "tps_liar": (
        "TPS liar di {loc}|Pembuangan sampah liar di lahan kosong {desa}|Orang membuang sampah "
        "sembarangan di {loc}",
        "Lahan kosong di {loc} dijadikan tempat pembuangan sampah liar|Setiap malam ada orang "
        "membuang sampah dari mobil bak di {loc}|Di pinggir sungai dekat {loc} muncul tumpukan "
        "sampah liar",
        "Sampahnya sudah setinggi pagar.|Sampah masuk ke sungai saat hujan.|Mohon dipasang papan "
        "larangan dan CCTV.",
        "Illegal dump on {loc}|Illegal dumping on empty land in {desa}|People dumping rubbish on "
        "{loc}",
        "An empty plot on {loc} has become an illegal rubbish dump|Every night someone dumps "
        "rubbish from a pickup truck on {loc}|A pile of dumped rubbish has appeared by the river "
        "near {loc}",
        "The pile is as high as the fence.|The rubbish washes into the river when it rains.|"
        "Please put up a sign and a camera.",
        "sampah liar sudah dibersihkan dan papan larangan membuang sampah dipasang",
        "the dump has been cleared and a no-dumping sign put up",
    ),
    "sampah_pantai": (
        "Sampah kiriman di Pantai {desa}|Pantai penuh sampah plastik di {desa}|Sampah menumpuk "
        "di pantai dekat {loc}",
        "Sampah kiriman menumpuk di sepanjang pantai {desa}|Pantai di dekat {loc} penuh sampah "
        "plastik dan kayu setelah angin barat|Sampah plastik berserakan di pasir pantai {desa}",
        "Wisatawan dan nelayan terganggu.|Penyu dan ikan bisa mati karena plastik.|Relawan sudah "
        "membersihkan tapi sampah terus datang.",
        "Rubbish washed up on {desa} beach|Beach full of plastic in {desa}|Rubbish piling up on "
        "the beach near {loc}",
        "Rubbish washed in by the sea is piling up along the beach in {desa}|The beach near "
        "{loc} is covered in plastic and driftwood after the west wind|Plastic waste is "
        "scattered all over the sand in {desa}",
        "Tourists and fishermen are affected.|Turtles and fish can die from the plastic.|"
        "Volunteers cleaned it but more keeps coming.",
        "tim kebersihan pantai sudah membersihkan sampah di sepanjang pantai",
        "the beach cleaning team has cleared the rubbish along the beach",
    ),
    "pencemaran_limbah": (
        "Limbah cair dibuang ke sungai di {desa}|Sungai tercemar di {loc}|Limbah usaha laundry "
        "di {loc}",
        "Ada usaha di {loc} yang membuang limbah cair langsung ke sungai|Air sungai di dekat "
        "{loc} berwarna hitam dan berbusa|Limbah dari usaha laundry dan restoran di {loc} "
        "dialirkan ke got",
        "Ikan-ikan mati dan airnya berbau busuk.|Air sungai dipakai untuk irigasi sawah di "
        "hilir.|Limbah mengalir sampai ke laut.",
        "Waste water dumped into the river in {desa}|Polluted river at {loc}|Laundry waste water "
        "on {loc}",
        "A business on {loc} is dumping its waste water straight into the river|The river near "
        "{loc} has turned black and foamy|Waste water from laundries and restaurants on {loc} is "
        "piped into the drain",
        "Fish are dying and the water stinks.|The river water irrigates rice fields "
        "downstream.|The waste water flows into the sea.",
        "usaha tersebut sudah diperiksa, diberi sanksi dan diwajibkan membangun IPAL",
        "the business has been inspected, sanctioned and ordered to build a treatment plant",
    ),
    "pembakaran_sampah": (
        "Pembakaran sampah di {loc}|Asap bakar sampah setiap sore di {desa}|Bau menyengat dari "
        "pembakaran di {loc}",
        "Warga di {loc} membakar sampah plastik setiap sore|Asap tebal dari pembakaran sampah di "
        "lahan dekat {loc} masuk ke rumah-rumah|Ada usaha di {loc} yang membakar limbah dan "
        "menimbulkan bau menyengat",
        "Anak-anak dan lansia batuk-batuk.|Asapnya mengganggu jarak pandang pengendara.|Cucian "
        "yang dijemur jadi bau asap.",
        "Rubbish burning on {loc}|Smoke from burning rubbish every afternoon in {desa}|Strong "
        "smell from burning on {loc}",
        "Someone on {loc} burns plastic rubbish every afternoon|Thick smoke from rubbish burned "
        "on a plot near {loc} blows into the houses|A business on {loc} burns its waste and the "
        "smell is terrible",
        "Children and old people are coughing.|The smoke reduces visibility for drivers.|The "
        "laundry on the line smells of smoke.",
        "pelaku pembakaran sudah diberi teguran dan pembinaan pengelolaan sampah",
        "the people burning rubbish have been warned and shown how to dispose of it",
    ),
    "pohon_taman": (
        "Pohon perlu dipangkas di {loc}|Taman tidak terawat di {desa}|Dahan pohon menutupi jalan "
        "di {loc}",
        "Pohon besar di {loc} dahannya menjuntai dan menyentuh kabel listrik|Taman di dekat "
        "{loc} tidak terawat, rumput tinggi dan lampunya mati|Ranting pohon di {loc} menutupi "
        "rambu dan lampu jalan",
        "Dikhawatirkan dahan patah saat angin kencang.|Taman jadi tempat nongkrong dan buang "
        "sampah.|Rambu lalu lintas tidak terlihat pengendara.",
        "Tree needs pruning on {loc}|Neglected park in {desa}|Branches blocking the road on {loc}",
        "A big tree on {loc} has branches hanging over the power lines|The park near {loc} is "
        "neglected, the grass is high and the lights are broken|Tree branches on {loc} hide the "
        "traffic signs and street lights",
        "A branch could fall in strong wind.|The park is becoming a place to dump rubbish.|"
        "Drivers cannot see the traffic signs.",
        "pohon sudah dipangkas dan taman dibersihkan oleh petugas pertamanan",
        "the tree has been pruned and the park tidied by the parks team",
    ),
    "kemacetan": (
        "Macet parah setiap sore di {loc}|Kemacetan di simpang {desa}|Perlu pengaturan lalu "
        "lintas di {loc}",
        "Setiap sore terjadi kemacetan parah di {loc}|Simpang di dekat {loc} selalu macet karena "
        "tidak ada petugas yang mengatur|Arus lalu lintas di {loc} tersendat karena kendaraan "
        "berhenti sembarangan",
        "Perjalanan yang biasanya 10 menit menjadi satu jam.|Ambulans pun sulit lewat.|Mohon "
        "ditempatkan petugas Dishub pada jam sibuk.",
        "Heavy traffic jam every afternoon on {loc}|Congestion at the junction in {desa}|Traffic "
        "management needed on {loc}",
        "There is a heavy traffic jam on {loc} every afternoon|The junction near {loc} is always "
        "jammed because nobody directs the traffic|Traffic on {loc} crawls because vehicles stop "
        "anywhere",
        "A ten-minute trip now takes an hour.|Even ambulances cannot get through.|Please station "
        "traffic officers there at rush hour.",
        "petugas Dishub sudah ditempatkan pada jam sibuk dan pengaturan arus diubah",
        "traffic officers are now posted at rush hour and the traffic flow has been changed",
    ),
    "parkir_liar": (
        "Parkir liar di {loc}|Jukir liar memungut tarif tinggi di {desa}|Mobil parkir di bahu "
        "jalan {loc}",
        "Banyak mobil dan motor parkir liar di bahu jalan {loc}|Juru parkir liar di {loc} "
        "memungut tarif parkir tanpa karcis|Kendaraan parkir dua lapis di depan toko di {loc}",
        "Jalan menyempit dan menyebabkan macet.|Wisatawan merasa diperas.|Trotoar tidak bisa "
        "dipakai pejalan kaki.",
        "Illegal parking on {loc}|Unofficial parking attendants charging too much in {desa}|Cars "
        "parked on the shoulder of {loc}",
        "Lots of cars and scooters park illegally on the shoulder of {loc}|An unofficial parking "
        "attendant on {loc} charges fees without a ticket|Vehicles double-park in front of the "
        "shops on {loc}",
        "The road gets narrow and jams.|Tourists feel ripped off.|Pedestrians cannot use the "
        "sidewalk.",
        "penertiban parkir sudah dilakukan dan rambu larangan parkir dipasang",
        "the illegal parking has been cleared and no-parking signs installed",
    ),
    "rambu_lampu_lalin": (
        "Lampu lalu lintas mati di {loc}|Rambu lalu lintas roboh di {desa}|Marka jalan pudar di "
        "{loc}",
        "Lampu lalu lintas di simpang {loc} mati|Rambu lalu lintas di {loc} roboh tertabrak "
        "kendaraan|Marka jalan dan zebra cross di {loc} sudah pudar",
        "Kendaraan saling serobot dan hampir terjadi tabrakan.|Pengendara dari luar daerah "
        "kebingungan.|Anak sekolah sulit menyeberang.",
        "Traffic light out on {loc}|Traffic sign knocked down in {desa}|Faded road markings on "
        "{loc}",
        "The traffic light at the junction on {loc} is not working|A traffic sign on {loc} was "
        "knocked down by a vehicle|The road markings and zebra crossing on {loc} have faded",
        "Cars cut each other off and there are near misses.|Visitors do not know which way to "
        "go.|School children struggle to cross.",
        "lampu lalu lintas sudah diperbaiki dan rambu serta marka dipasang kembali",
        "the traffic light has been repaired and the signs and markings restored",
    ),
    "angkutan_umum": (
        "Bus Trans Sarbagita tidak lewat di {desa}|Halte rusak di {loc}|Sopir angkutan "
        "ugal-ugalan di {loc}",
        "Bus Trans Sarbagita sudah lama tidak melewati halte di {loc}|Halte bus di {loc} "
        "atapnya rusak dan tidak ada tempat duduk|Sopir angkutan umum di {loc} mengemudi "
        "ugal-ugalan dan menaikkan penumpang sembarangan",
        "Pekerja dan pelajar kesulitan transportasi.|Penumpang kehujanan saat menunggu bus.|"
        "Membahayakan pengguna jalan lain.",
        "Bus no longer stops in {desa}|Broken bus shelter on {loc}|Reckless minibus driver on "
        "{loc}",
        "The Trans Sarbagita bus has not stopped at the shelter on {loc} for weeks|The bus "
        "shelter on {loc} has a broken roof and no seats|Public minibus drivers on {loc} drive "
        "recklessly and pick people up anywhere",
        "Workers and students have no way to get around.|Passengers get soaked waiting for the "
        "bus.|It puts other road users at risk.",
        "jadwal dan rute angkutan sudah dievaluasi bersama operator",
        "the schedule and route have been reviewed with the operator",
    ),
    "banjir": (
        "Banjir di {loc}|Banjir setinggi lutut di {desa}|Rumah warga terendam banjir di {loc}",
        "Banjir melanda {loc} setelah hujan deras|Air setinggi lutut merendam jalan dan rumah "
        "warga di {loc}|Sungai di dekat {loc} meluap dan banjir masuk ke permukiman",
        "Warga membutuhkan bantuan evakuasi dan makanan.|Kendaraan mogok dan jalan tidak bisa "
        "dilalui.|Banjir seperti ini terjadi setiap musim hujan.",
        "Flooding on {loc}|Knee-deep flood in {desa}|Houses flooded on {loc}",
        "{loc} is flooded after heavy rain|Knee-deep water covers the road and houses on {loc}|"
        "The river near {loc} burst its banks and the water entered the houses",
        "Residents need help with evacuation and food.|Cars broke down and the road is "
        "impassable.|This happens every rainy season.",
        "tim BPBD sudah membantu evakuasi, menyedot genangan dan menyalurkan bantuan",
        "the BPBD team helped evacuate residents, pumped the water out and delivered aid",
    ),
    "tanah_longsor": (
        "Tanah longsor di {loc}|Senderan jebol di {desa}|Longsor menutup jalan di {loc}",
        "Terjadi tanah longsor di tebing dekat {loc} setelah hujan semalaman|Senderan di pinggir "
        "{loc} jebol dan tanahnya runtuh ke jalan|Material longsor menutup separuh badan jalan "
        "di {loc}",
        "Rumah di bawah tebing terancam.|Kendaraan hanya bisa lewat satu per satu.|Warga "
        "khawatir longsor susulan.",
        "Landslide on {loc}|Collapsed retaining wall in {desa}|Landslide blocking the road on "
        "{loc}",
        "There was a landslide on the slope near {loc} after a night of rain|The retaining wall "
        "beside {loc} collapsed and the soil fell onto the road|Landslide debris covers half the "
        "road at {loc}",
        "The houses below the slope are at risk.|Vehicles can only pass one at a time.|People "
        "fear another slide.",
        "material longsor sudah dibersihkan dan senderan darurat dipasang",
        "the debris has been cleared and a temporary retaining wall built",
    ),
    "pohon_tumbang": (
        "Pohon tumbang di {loc}|Pohon tumbang menutup jalan di {desa}|Pohon roboh menimpa kabel "
        "di {loc}",
        "Pohon besar tumbang di {loc} setelah angin kencang|Pohon tumbang menutup seluruh badan "
        "jalan di {loc}|Pohon roboh di {loc} menimpa kabel listrik dan pagar rumah",
        "Jalan tidak bisa dilalui sama sekali.|Listrik di sekitar lokasi padam.|Untung tidak ada "
        "korban jiwa.",
        "Fallen tree on {loc}|Fallen tree blocking the road in {desa}|Tree fell on the power "
        "lines on {loc}",
        "A big tree fell on {loc} after strong wind|A fallen tree blocks the whole road on "
        "{loc}|A tree fell on {loc} onto the power lines and a garden wall",
        "The road is completely blocked.|The power is out around the area.|Luckily nobody was "
        "hurt.",
        "pohon tumbang sudah dipotong dan dievakuasi sehingga jalan kembali dapat dilalui",
        "the fallen tree has been cut up and removed and the road is open again",
    ),
    "kebakaran": (
        "Kebakaran lahan di {loc}|Bahaya kebakaran di {desa}|Hidran tidak berfungsi di {loc}",
        "Terjadi kebakaran lahan kosong di {loc}|Tumpukan kayu dan sampah di {loc} rawan "
        "terbakar karena dekat kabel listrik|Hidran kebakaran di {loc} tidak ada airnya",
        "Api hampir merembet ke rumah warga.|Musim kemarau membuat api cepat menyebar.|Mohon "
        "dilakukan pengecekan sarana pemadam.",
        "Fire on empty land on {loc}|Fire hazard in {desa}|Fire hydrant not working on {loc}",
        "There was a fire on an empty plot on {loc}|Piles of wood and rubbish on {loc} could "
        "easily catch fire from the power lines|The fire hydrant on {loc} has no water",
        "The fire almost reached the houses.|In the dry season fire spreads fast.|Please check "
        "the fire fighting equipment.",
        "petugas pemadam sudah melakukan pemadaman dan pengecekan sarana di lokasi",
        "the fire brigade put out the fire and checked the equipment on site",
    ),
    "abrasi_pantai": (
        "Abrasi pantai di {desa}|Pantai terkikis ombak di {loc}|Senderan pantai runtuh di {desa}",
        "Abrasi di pantai {desa} semakin parah dan bibir pantai mundur beberapa meter|Ombak "
        "besar mengikis pantai di dekat {loc}|Senderan penahan ombak di pantai {desa} runtuh",
        "Pura dan warung di tepi pantai terancam.|Pohon kelapa sudah tumbang ke laut.|Nelayan "
        "kesulitan menambatkan perahu.",
        "Coastal erosion in {desa}|Beach eaten away by waves near {loc}|Collapsed sea wall in "
        "{desa}",
        "Erosion of the beach in {desa} is getting worse and the shoreline has moved back "
        "several metres|Big waves are eroding the beach near {loc}|The sea wall on the beach in "
        "{desa} has collapsed",
        "The temple and warungs on the shore are threatened.|Coconut trees have already fallen "
        "into the sea.|Fishermen cannot moor their boats.",
        "penanganan darurat abrasi dengan karung pasir sudah dilakukan dan usulan pengaman "
        "pantai diajukan",
        "emergency sandbagging has been done and a coastal protection project proposed",
    ),
    "evakuasi_hewan": (
        "Ular masuk rumah di {loc}|Sarang tawon di {desa}|Sarang lebah besar di {loc}",
        "Ada ular kobra masuk ke pekarangan rumah di {loc}|Sarang tawon besar ada di pohon depan "
        "rumah di {loc}|Sarang lebah di atap sekolah di {loc} membahayakan murid",
        "Anak-anak takut keluar rumah.|Sudah ada warga yang tersengat.|Mohon segera dievakuasi "
        "oleh petugas.",
        "Snake in a house on {loc}|Wasp nest in {desa}|Big bee hive on {loc}",
        "A cobra got into the yard of a house on {loc}|There is a big wasp nest in the tree in "
        "front of a house on {loc}|A bee hive under the school roof on {loc} is a danger to the "
        "pupils",
        "The children are afraid to go outside.|Someone has already been stung.|Please send "
        "someone to remove it.",
        "petugas penyelamatan sudah mengevakuasi hewan tersebut dengan aman",
        "the rescue team has safely removed the animal",
    ),
    "pasar_tradisional": (
        "Pasar {desa} kotor dan becek|Atap pasar bocor di {desa}|Pungutan di Pasar {desa}",
        "Lorong-lorong di Pasar {desa} kotor, becek dan saluran airnya mampet|Atap los pasar di "
        "{desa} bocor sehingga dagangan basah|Pedagang di Pasar {desa} dipungut biaya tambahan "
        "tanpa karcis resmi",
        "Pembeli enggan berbelanja ke pasar.|Pedagang merugi karena dagangan rusak.|Pengelola "
        "pasar tidak menanggapi keluhan.",
        "Dirty and muddy market in {desa}|Leaking market roof in {desa}|Extra fees at the market "
        "in {desa}",
        "The aisles of the market in {desa} are dirty and muddy and the drains are blocked|The "
        "roof of the market stalls in {desa} leaks and the goods get wet|Traders at the market "
        "in {desa} are charged extra fees without an official receipt",
        "Shoppers stay away from the market.|Traders lose money on spoiled goods.|The market "
        "management ignores complaints.",
        "pengelola pasar sudah membersihkan saluran, memperbaiki atap dan menertibkan pungutan",
        "the market management has cleaned the drains, repaired the roof and stopped the extra "
        "fees",
    ),
    "harga_kebutuhan_pokok": (
        "Gas LPG 3 kg langka di {desa}|Harga beras naik tinggi di {desa}|Minyak goreng sulit "
        "dicari di {desa}",
        "Gas LPG 3 kg sulit didapat di pangkalan sekitar {loc}|Harga beras dan cabai di warung "
        "sekitar {desa} naik tinggi|Minyak goreng kosong di toko-toko sekitar {loc}",
        "Pengecer menjual jauh di atas HET.|Warga harus antre berjam-jam.|Pedagang kecil "
        "kesulitan berjualan.",
        "LPG gas shortage in {desa}|Rice prices soaring in {desa}|Cooking oil hard to find in "
        "{desa}",
        "3 kg LPG cylinders are hard to get at the outlets around {loc}|Rice and chilli prices "
        "at the shops in {desa} have gone up a lot|Cooking oil is sold out at the shops around "
        "{loc}",
        "Retailers sell far above the official price.|People queue for hours.|Small food stalls "
        "can hardly keep going.",
        "operasi pasar sudah digelar dan distribusi di pangkalan diawasi",
        "a market operation was held and distribution at the outlets is being monitored",
    ),
    "perizinan_usaha": (
        "Pengurusan izin usaha lambat|Izin PBG tidak kunjung terbit|Kendala OSS untuk izin usaha "
        "di {desa}",
        "Permohonan izin usaha kami untuk lokasi di {loc} belum diproses|Persetujuan Bangunan "
        "Gedung (PBG) untuk rumah kami di {loc} tidak kunjung terbit|Sistem OSS selalu gagal saat "
        "mengunggah dokumen izin usaha kami di {desa}",
        "Kami tidak bisa membuka usaha tanpa izin.|Petugas hanya menyuruh menunggu.|Kami "
        "khawatir ada pungutan tidak resmi.",
        "Slow business licence|Building approval (PBG) never issued|OSS problems with a business "
        "permit in {desa}",
        "Our business licence application for premises on {loc} has not been processed|The "
        "building approval (PBG) for our house on {loc} has still not been issued|The OSS system "
        "keeps failing when we upload documents for our business in {desa}",
        "We cannot open without the licence.|The staff just tell us to wait.|We are worried "
        "about unofficial fees.",
        "berkas permohonan sudah diverifikasi dan izin telah diterbitkan",
        "the application has been verified and the permit issued",
    ),
    "ketenagakerjaan": (
        "Gaji karyawan hotel tidak dibayar|PHK sepihak di {desa}|Upah di bawah UMK di {desa}",
        "Gaji karyawan sebuah hotel di {loc} belum dibayar selama dua bulan|Puluhan pekerja di "
        "{loc} di-PHK sepihak tanpa pesangon|Sebuah usaha di {desa} membayar upah di bawah UMK "
        "Badung",
        "Karyawan tidak bisa memenuhi kebutuhan keluarga.|Perusahaan tidak mau bertemu "
        "perwakilan pekerja.|BPJS Ketenagakerjaan juga tidak dibayarkan.",
        "Hotel staff wages unpaid|Unfair dismissal in {desa}|Wages below the minimum in {desa}",
        "Staff at a hotel on {loc} have not been paid for two months|Dozens of workers on {loc} "
        "were dismissed without severance|A business in {desa} pays less than the Badung minimum "
        "wage",
        "The workers cannot support their families.|The company refuses to meet the workers.|"
        "Social security contributions are not paid either.",
        "mediasi antara pekerja dan perusahaan sudah dilaksanakan dan hak pekerja dibayarkan",
        "mediation between the workers and the company took place and the workers' dues were paid",
    ),
    "destinasi_wisata": (
        "Toilet umum di pantai {desa} rusak|Fasilitas wisata tidak terawat di {desa}|Pungutan "
        "liar di objek wisata {desa}",
        "Toilet umum di kawasan wisata pantai {desa} rusak dan kotor|Fasilitas di objek wisata "
        "dekat {loc} tidak terawat dan papan informasinya rusak|Wisatawan di {loc} dimintai uang "
        "masuk tanpa tiket resmi",
        "Citra pariwisata Badung menjadi buruk.|Banyak wisatawan mengeluh di media sosial.|Mohon "
        "pengelolaan destinasi diperbaiki.",
        "Broken public toilet on {desa} beach|Neglected tourist facilities in {desa}|Unofficial "
        "entrance fee at a tourist site in {desa}",
        "The public toilet at the beach in {desa} is broken and filthy|The facilities at the "
        "tourist site near {loc} are neglected and the signs are broken|Visitors at {loc} are "
        "asked for an entrance fee without an official ticket",
        "It gives Badung tourism a bad name.|Many visitors complain on social media.|Please "
        "improve how the site is managed.",
        "fasilitas destinasi sudah diperbaiki dan pengelola diberi pembinaan",
        "the facilities have been repaired and the site managers given guidance",
    ),
    "pertanian_peternakan": (
        "Pupuk subsidi langka di {desa}|Hama wereng menyerang sawah di {desa}|Ternak babi mati "
        "mendadak di {desa}",
        "Petani di {desa} kesulitan mendapatkan pupuk subsidi di kios resmi|Hama wereng "
        "menyerang sawah di sekitar {loc} dan padi mulai menguning|Beberapa ekor babi milik warga "
        "di {loc} mati mendadak",
        "Panen terancam gagal.|Petani terpaksa membeli pupuk non-subsidi yang mahal.|Peternak "
        "khawatir penyakit menular ke ternak lain.",
        "Subsidised fertiliser shortage in {desa}|Planthopper pests in the rice fields of {desa}|"
        "Pigs dying suddenly in {desa}",
        "Farmers in {desa} cannot get subsidised fertiliser at the official kiosk|Planthoppers "
        "are attacking the rice fields around {loc} and the rice is turning yellow|Several pigs "
        "belonging to villagers on {loc} died suddenly",
        "The harvest may fail.|Farmers have to buy expensive unsubsidised fertiliser.|Farmers "
        "fear the disease will spread.",
        "penyuluh pertanian sudah turun ke lokasi dan memberikan penanganan",
        "the agricultural extension officer visited and treated the problem",
    ),
    "pelayanan_puskesmas": (
        "Antrean lama di Puskesmas {desa}|Pelayanan puskesmas kurang ramah|Obat kosong di "
        "Puskesmas {desa}",
        "Antrean di Puskesmas {desa} sangat lama, kami menunggu lebih dari tiga jam|Petugas di "
        "puskesmas dekat {loc} kurang ramah kepada pasien lansia|Obat yang diresepkan di "
        "Puskesmas {desa} sering kosong",
        "Pasien yang sakit harus menunggu berdiri.|Dokter datang terlambat.|Pasien terpaksa "
        "membeli obat di apotek.",
        "Long queue at the {desa} health centre|Unfriendly service at the puskesmas|Medicines "
        "out of stock at the {desa} health centre",
        "The queue at the puskesmas in {desa} is very long, we waited more than three hours|"
        "Staff at the health centre near {loc} are unfriendly to elderly patients|The medicines "
        "prescribed at the puskesmas in {desa} are often out of stock",
        "Sick patients have to wait standing up.|The doctor arrives late.|Patients have to buy "
        "the medicine at a pharmacy.",
        "sistem antrean dan ketersediaan obat di puskesmas sudah dibenahi",
        "the queueing system and medicine stock at the health centre have been improved",
    ),
    "pelayanan_rsud": (
        "Pelayanan IGD RSD Mangusada lambat|Kamar rawat inap penuh di RSD Mangusada|Parkir RSD "
        "Mangusada semrawut",
        "Keluarga kami menunggu lama di IGD RSD Mangusada tanpa kepastian|Pasien dari {desa} "
        "ditolak rawat inap dengan alasan kamar penuh|Area parkir RSD Mangusada semrawut dan "
        "juru parkir memungut tarif tinggi",
        "Pasien dalam kondisi kritis.|Informasi dari petugas tidak jelas.|Mohon pelayanan rumah "
        "sakit ditingkatkan.",
        "Slow emergency service at RSD Mangusada|No free beds at RSD Mangusada|Chaotic parking "
        "at RSD Mangusada",
        "Our family waited a long time at the RSD Mangusada emergency room without any "
        "information|A patient from {desa} was refused admission because the wards were full|"
        "The parking at RSD Mangusada is chaotic and the attendants charge too much",
        "The patient was in a critical condition.|The staff gave unclear information.|Please "
        "improve the hospital service.",
        "manajemen rumah sakit sudah menindaklanjuti dan memperbaiki alur pelayanan",
        "the hospital management followed up and improved the service procedure",
    ),
    "jaminan_kesehatan": (
        "Kartu BPJS tidak aktif|KBS ditolak di rumah sakit|Pendaftaran JKN warga {desa} bermasalah",
        "Kartu BPJS Kesehatan PBI milik warga {desa} tiba-tiba tidak aktif|Pasien pemegang Kartu "
        "Badung Sehat (KBS) dari {desa} ditolak berobat|Pendaftaran JKN bayi baru lahir di {desa} "
        "belum diproses",
        "Pasien harus membayar biaya berobat sendiri.|Warga tidak mampu sangat dirugikan.|"
        "Petugas saling melempar tanggung jawab.",
        "BPJS card deactivated|KBS health card refused at hospital|JKN registration problem in "
        "{desa}",
        "The subsidised BPJS health card of a resident of {desa} was suddenly deactivated|A "
        "patient from {desa} with a Kartu Badung Sehat (KBS) was refused treatment|The JKN "
        "registration of a newborn baby in {desa} has not been processed",
        "The patient has to pay for treatment.|Poor families suffer most.|The offices keep "
        "sending us to each other.",
        "status kepesertaan sudah diaktifkan kembali dan pasien dapat berobat",
        "the membership has been reactivated and the patient can be treated",
    ),
    "demam_berdarah": (
        "Kasus demam berdarah di {desa}|Permohonan fogging di {loc}|Banyak sarang nyamuk di {desa}",
        "Sudah ada tiga warga di {loc} yang dirawat karena demam berdarah|Kami memohon fogging di "
        "lingkungan {loc} karena nyamuk sangat banyak|Banyak genangan dan barang bekas yang "
        "menjadi sarang nyamuk di {desa}",
        "Anak-anak paling rentan tertular.|Belum ada pemeriksaan jentik dari puskesmas.|Warga "
        "takut kasus terus bertambah.",
        "Dengue cases in {desa}|Fogging request on {loc}|Mosquito breeding sites in {desa}",
        "Three people on {loc} have already been hospitalised with dengue fever|We ask for "
        "fogging around {loc} because there are so many mosquitoes|There are many puddles and "
        "old containers breeding mosquitoes in {desa}",
        "Children are most at risk.|The health centre has not checked for larvae yet.|People "
        "fear more cases.",
        "fogging dan pemeriksaan jentik sudah dilakukan bersama kader kesehatan",
        "fogging and larvae checks were carried out with the health volunteers",
    ),
    "keamanan_pangan": (
        "Keracunan makanan di {desa}|Makanan kedaluwarsa dijual di {loc}|Warung tidak higienis di "
        "{loc}",
        "Belasan warga {desa} mengalami keracunan setelah menyantap makanan di sebuah acara|Toko "
        "di {loc} menjual makanan dan minuman yang sudah kedaluwarsa|Sebuah warung makan di {loc} "
        "sangat tidak higienis",
        "Beberapa korban harus dirawat di puskesmas.|Pembeli tidak diberi tahu.|Mohon dilakukan "
        "pemeriksaan oleh dinas kesehatan.",
        "Food poisoning in {desa}|Expired food sold on {loc}|Unhygienic food stall on {loc}",
        "More than ten people in {desa} got food poisoning after eating at a ceremony|A shop on "
        "{loc} sells expired food and drinks|A food stall on {loc} is extremely unhygienic",
        "Some of them had to be treated at the health centre.|Customers are not told.|Please "
        "have the health office inspect it.",
        "sampel makanan sudah diperiksa dan pedagang diberi pembinaan",
        "food samples have been tested and the seller given guidance",
    ),
    "anjing_liar_rabies": (
        "Anjing liar menggigit warga di {desa}|Banyak anjing liar di {loc}|Permohonan vaksin "
        "rabies di {desa}",
        "Seorang anak di {loc} digigit anjing liar|Kawanan anjing liar berkeliaran dan mengejar "
        "pengendara di {loc}|Kami memohon vaksinasi rabies untuk anjing peliharaan di {desa}",
        "Warga takut keluar rumah pada malam hari.|Korban gigitan butuh vaksin anti rabies.|"
        "Wisatawan juga pernah digigit di lokasi ini.",
        "Stray dog bit a resident in {desa}|Many stray dogs on {loc}|Rabies vaccination request "
        "in {desa}",
        "A child on {loc} was bitten by a stray dog|A pack of stray dogs roams {loc} and chases "
        "scooter riders|We request rabies vaccination for the dogs in {desa}",
        "People are afraid to go out at night.|The bite victim needs a rabies vaccine.|Tourists "
        "have been bitten here too.",
        "vaksinasi rabies dan penanganan anjing liar sudah dilakukan di lokasi",
        "rabies vaccination and stray dog control have been carried out",
    ),
    "kegiatan_adat_upacara": (
        "Penutupan jalan untuk upacara di {desa}|Kebisingan latihan ogoh-ogoh di {loc}|"
        "Pengaturan lalu lintas saat upacara di {loc}",
        "Jalan di {loc} ditutup total untuk upacara tanpa pemberitahuan dan pengalihan arus|"
        "Latihan gamelan dan ogoh-ogoh di {loc} berlangsung sampai larut malam|Saat upacara di "
        "pura dekat {loc} kendaraan parkir memenuhi jalan",
        "Kami menghormati upacara, tetapi mohon ada pengaturan.|Warga yang bekerja pagi sulit "
        "beristirahat.|Ambulans dan kendaraan darurat tidak bisa lewat.",
        "Road closed for a ceremony in {desa}|Late-night ogoh-ogoh practice noise on {loc}|"
        "Traffic during a temple ceremony on {loc}",
        "The road on {loc} was closed for a ceremony without notice or a diversion|Gamelan and "
        "ogoh-ogoh practice on {loc} goes on late into the night|During the ceremony at the "
        "temple near {loc} parked cars fill the road",
        "We respect the ceremony but please organise the traffic.|People who start work early "
        "cannot sleep.|Ambulances cannot get through.",
        "koordinasi dengan bendesa adat sudah dilakukan untuk pengaturan waktu dan lalu lintas",
        "the customary village head has agreed on times and traffic arrangements",
    ),
    "cagar_budaya": (
        "Pura bersejarah rusak di {desa}|Cagar budaya tidak terawat di {desa}|Bangunan baru "
        "mengganggu situs di {loc}",
        "Bangunan pura bersejarah di {desa} retak dan atapnya rusak|Situs cagar budaya di dekat "
        "{loc} tidak terawat dan ditumbuhi semak|Ada bangunan baru di dekat situs bersejarah di "
        "{loc} yang melanggar kawasan suci",
        "Warisan budaya ini bisa hilang.|Wisatawan datang tapi tidak ada informasi.|Mohon "
        "pelestarian segera.",
        "Historic temple damaged in {desa}|Neglected heritage site in {desa}|New building "
        "threatening a heritage site on {loc}",
        "The historic temple buildings in {desa} are cracked and the roof is damaged|The "
        "heritage site near {loc} is neglected and overgrown|A new building near the historic "
        "site on {loc} breaks the sacred zone rules",
        "This heritage could be lost.|Visitors come but there is no information.|Please act to "
        "preserve it.",
        "tim cagar budaya sudah meninjau dan menyusun rencana pemugaran",
        "the heritage team has inspected the site and planned the restoration",
    ),
    "pendidikan_sekolah": (
        "Pungutan di SD Negeri {desa}|Atap kelas bocor di sekolah {desa}|Masalah PPDB di {desa}",
        "Orang tua murid di sebuah SD negeri di {desa} dimintai pungutan untuk seragam dan buku|"
        "Atap ruang kelas di sekolah dekat {loc} bocor dan plafonnya hampir jatuh|Anak kami dari "
        "{desa} tidak diterima di sekolah terdekat karena sistem zonasi PPDB",
        "Banyak orang tua keberatan.|Murid belajar dalam kondisi tidak aman.|Kami sudah mengadu "
        "ke sekolah tanpa hasil.",
        "Fees charged at a state school in {desa}|Leaking classroom roof in {desa}|School "
        "admission (PPDB) problem in {desa}",
        "Parents at a state primary school in {desa} are asked to pay for uniforms and books|The "
        "classroom roof at the school near {loc} leaks and the ceiling may fall|Our child from "
        "{desa} was not admitted to the nearest school under the PPDB zoning",
        "Many parents object.|The pupils learn in unsafe conditions.|We complained to the school "
        "without result.",
        "sekolah sudah dibina dan perbaikan sarana dijadwalkan",
        "the school has been given guidance and the repairs scheduled",
    ),
    "bantuan_sosial": (
        "Bantuan sosial tidak tepat sasaran di {desa}|Warga terlantar di {loc}|ODGJ berkeliaran "
        "di {loc}",
        "Bantuan sosial di {desa} diterima keluarga mampu sementara warga miskin tidak terdata|"
        "Ada warga lansia terlantar yang tidur di emperan toko di {loc}|Seorang ODGJ berkeliaran "
        "di {loc} dan membutuhkan penanganan",
        "Mohon data penerima diperbarui.|Kondisinya sangat memprihatinkan.|Keluarganya tidak "
        "mampu merawat.",
        "Social aid going to the wrong people in {desa}|Homeless elderly person on {loc}|Person "
        "with mental illness wandering on {loc}",
        "Social assistance in {desa} goes to well-off families while poor ones are not "
        "registered|An elderly person is sleeping rough in front of the shops on {loc}|A person "
        "with a mental illness is wandering on {loc} and needs care",
        "Please update the list of recipients.|The situation is heartbreaking.|The family "
        "cannot look after him.",
        "petugas dinas sosial sudah menjangkau dan memberikan penanganan",
        "social workers reached the person and arranged care",
    ),
    "perlindungan_perempuan_anak": (
        "Dugaan kekerasan terhadap anak di {desa}|Kekerasan dalam rumah tangga di {desa}|Anak "
        "putus sekolah dipekerjakan di {loc}",
        "Kami menduga ada anak yang mengalami kekerasan di lingkungan {desa}|Seorang ibu di "
        "{desa} sering menjadi korban kekerasan dalam rumah tangga|Ada anak usia sekolah yang "
        "dipekerjakan sebagai pedagang acung di {loc}",
        "Mohon ditangani dengan rahasia.|Korban takut melapor sendiri.|Anak tersebut perlu "
        "pendampingan.",
        "Suspected child abuse in {desa}|Domestic violence in {desa}|Child working instead of "
        "going to school on {loc}",
        "We suspect a child in our neighbourhood in {desa} is being abused|A mother in {desa} is "
        "often a victim of domestic violence|A school-age child is made to work as a hawker on "
        "{loc}",
        "Please handle this confidentially.|The victim is afraid to report it.|The child needs "
        "support.",
        "tim UPTD PPA sudah melakukan penjangkauan dan pendampingan korban",
        "the protection unit reached out and is supporting the victim",
    ),
    "administrasi_kependudukan": (
        "KTP-el belum jadi|Antrean panjang di Disdukcapil|Akta kelahiran anak belum terbit",
        "KTP elektronik saya yang direkam tiga bulan lalu di {desa} belum juga jadi|Antrean "
        "pelayanan Disdukcapil sangat panjang dan nomor antrean habis sejak pagi|Pengurusan akta "
        "kelahiran anak kami dari {desa} belum selesai",
        "Saya butuh KTP untuk melamar pekerjaan.|Harus bolak-balik izin kerja.|Blangko katanya "
        "kosong.",
        "ID card not issued|Long queue at the civil registry|Birth certificate not issued",
        "My electronic ID card, recorded three months ago in {desa}, is still not ready|The "
        "queue at the civil registry office is very long and numbers run out early in the "
        "morning|The birth certificate for our child from {desa} has still not been issued",
        "I need the ID card to apply for a job.|I keep taking time off work.|They say the blank "
        "cards have run out.",
        "dokumen kependudukan sudah dicetak dan dapat diambil",
        "the document has been printed and is ready for collection",
    ),
    "pungli_korupsi": (
        "Dugaan pungli di kantor pelayanan|Pungutan liar dalam pengurusan surat di {desa}|Dugaan "
        "penyimpangan anggaran proyek di {desa}",
        "Saat mengurus dokumen, oknum petugas meminta uang pelicin|Warga {desa} dimintai biaya "
        "tidak resmi untuk surat keterangan|Proyek jalan di {loc} dikerjakan asal-asalan dan "
        "diduga anggarannya diselewengkan",
        "Tidak ada kuitansi resmi.|Warga takut melapor secara terbuka.|Mohon diaudit.",
        "Suspected bribe at a service office|Illegal fees for letters in {desa}|Suspected misuse "
        "of project funds in {desa}",
        "When I applied for a document an officer asked for a bribe|Residents of {desa} are "
        "charged unofficial fees for certificates|The road project on {loc} was done badly and "
        "the budget seems to have been misused",
        "There is no official receipt.|People are afraid to report openly.|Please audit it.",
        "Inspektorat sudah melakukan pemeriksaan dan menjatuhkan tindakan sesuai aturan",
        "the Inspectorate has investigated and taken action under the rules",
    ),
    "pelayanan_aparatur": (
        "Petugas tidak ada di tempat saat jam kerja|Sikap petugas kurang sopan|ASN bermain "
        "ponsel saat melayani",
        "Saat jam kerja tidak ada petugas di meja pelayanan kantor dekat {loc}|Petugas "
        "pelayanan berbicara kasar kepada warga|Beberapa pegawai asyik bermain ponsel sementara "
        "antrean menumpuk",
        "Warga menunggu lama tanpa kejelasan.|Ini mencoreng pelayanan publik.|Mohon disiplin "
        "pegawai ditegakkan.",
        "No staff at the counter during office hours|Rude civil servant|Civil servants on their "
        "phones instead of serving",
        "During office hours nobody was at the service counter of the office near {loc}|A "
        "service officer spoke rudely to residents|Several staff were playing on their phones "
        "while the queue grew",
        "People wait a long time without explanation.|It gives public service a bad name.|"
        "Please enforce staff discipline.",
        "pegawai yang bersangkutan sudah dibina dan diberi sanksi disiplin",
        "the staff concerned have been counselled and disciplined",
    ),
    "pelayanan_desa_kelurahan": (
        "Pelayanan kantor desa {desa} lambat|Kantor Desa {desa} tutup saat jam kerja|Surat "
        "keterangan di {desa} dipersulit",
        "Pengurusan surat keterangan domisili di Kantor Desa {desa} memakan waktu "
        "berminggu-minggu|Kantor Desa {desa} sering tutup saat jam kerja|Permohonan surat "
        "keterangan usaha di {desa} dipersulit tanpa alasan jelas",
        "Warga harus datang berkali-kali.|Informasi persyaratan tidak jelas.|Mohon pelayanan "
        "desa dibenahi.",
        "Slow service at the {desa} village office|{desa} village office closed during office "
        "hours|Certificate application made difficult in {desa}",
        "Getting a residence certificate from the {desa} village office takes weeks|The {desa} "
        "village office is often closed during office hours|Our application for a business "
        "certificate in {desa} is being blocked for no clear reason",
        "People have to come back again and again.|The requirements are not explained.|Please "
        "fix the village service.",
        "pelayanan kantor desa sudah dievaluasi dan surat warga telah diterbitkan",
        "the village office service was reviewed and the certificate issued",
    ),
    "pajak_daerah": (
        "Tagihan PBB tidak sesuai|Vila ilegal tidak bayar pajak di {desa}|SPPT PBB tidak diterima",
        "Tagihan PBB-P2 rumah kami di {loc} naik berlipat tanpa penjelasan|Banyak vila di {desa} "
        "disewakan tanpa izin dan tidak membayar pajak hotel|SPPT PBB tahun ini tidak kami "
        "terima di {desa}",
        "Kami mohon peninjauan NJOP.|Pemerintah kehilangan pendapatan.|Kami khawatir terkena "
        "denda.",
        "Wrong land and building tax bill|Illegal villas not paying tax in {desa}|Property tax "
        "notice not received",
        "The land and building tax bill for our house on {loc} has multiplied without "
        "explanation|Many villas in {desa} are rented out without a licence and pay no hotel "
        "tax|We did not receive this year's property tax notice in {desa}",
        "We ask for the valuation to be reviewed.|The regency is losing revenue.|We are worried "
        "about late fines.",
        "data objek pajak sudah diperiksa dan ketetapan pajak diperbaiki",
        "the tax record has been checked and the assessment corrected",
    ),
    "layanan_digital": (
        "Website pemerintah Badung tidak bisa diakses|Aplikasi layanan error|Informasi publik "
        "tidak diperbarui",
        "Situs layanan Pemkab Badung tidak bisa dibuka sejak kemarin|Aplikasi layanan publik "
        "selalu error saat login|Informasi jadwal pelayanan di website tidak diperbarui",
        "Warga tidak bisa mengurus layanan secara daring.|Mohon diperbaiki.|Informasinya "
        "membingungkan warga.",
        "Badung government website down|Service app keeps failing|Public information out of date",
        "The Badung regency service website has not opened since yesterday|The public service "
        "app always fails at login|The opening hours on the website are out of date",
        "People cannot use the online services.|Please fix it.|The information confuses residents.",
        "gangguan sistem sudah diperbaiki dan informasi diperbarui",
        "the system fault has been fixed and the information updated",
    ),
    "pkl_trotoar": (
        "Pedagang kaki lima menutup trotoar di {loc}|PKL berjualan di badan jalan {desa}|Trotoar "
        "dipakai untuk berjualan di {loc}",
        "Pedagang kaki lima menggelar dagangan di trotoar {loc}|PKL berjualan sampai ke badan "
        "jalan di {loc} sehingga lalu lintas terganggu|Trotoar di {loc} dipenuhi lapak dan gerobak",
        "Pejalan kaki terpaksa turun ke jalan.|Sampah bekas dagangan ditinggal begitu saja.|"
        "Mohon ditertibkan dan diberi tempat berjualan.",
        "Street vendors blocking the sidewalk on {loc}|Vendors selling on the road in {desa}|"
        "Sidewalk used as a market on {loc}",
        "Street vendors spread their goods over the sidewalk on {loc}|Vendors sell out onto the "
        "road on {loc} and block the traffic|The sidewalk on {loc} is full of stalls and carts",
        "Pedestrians have to walk in the road.|The vendors leave their rubbish behind.|Please "
        "move them to a proper place.",
        "penertiban PKL sudah dilakukan dan pedagang diarahkan ke lokasi resmi",
        "the vendors have been moved to an official trading area",
    ),
    "kebisingan": (
        "Musik keras beach club di {desa}|Pesta vila sampai pagi di {loc}|Kebisingan bar di {loc}",
        "Musik dari beach club di {loc} terdengar keras sampai lewat tengah malam|Vila di {loc} "
        "sering mengadakan pesta dengan musik keras sampai pagi|Bar di {loc} memutar musik keras "
        "setiap malam",
        "Warga dan anak-anak tidak bisa tidur.|Tamu hotel sekitar juga terganggu.|Sudah ditegur "
        "pecalang tetapi tidak diindahkan.",
        "Loud beach club music in {desa}|All-night villa parties on {loc}|Noisy bar on {loc}",
        "Music from a beach club on {loc} is loud until after midnight|A villa on {loc} often "
        "holds parties with loud music until morning|A bar on {loc} plays loud music every night",
        "Residents and children cannot sleep.|Guests at nearby hotels are disturbed too.|The "
        "pecalang warned them but they ignore it.",
        "pengelola usaha sudah diberi teguran dan diminta mematuhi batas jam operasional",
        "the operator has been warned and must respect the closing hours",
    ),
    "bangunan_tanpa_izin": (
        "Bangunan tanpa izin di {loc}|Bangunan melanggar sempadan pantai di {desa}|Pembangunan "
        "vila di jalur hijau {desa}",
        "Ada bangunan baru di {loc} yang dibangun tanpa PBG|Bangunan di pantai {desa} berdiri di "
        "sempadan pantai|Vila dibangun di jalur hijau dan sawah di dekat {loc}",
        "Pembangunan terus berjalan walaupun sudah dilaporkan.|Akses warga ke pantai tertutup.|"
        "Sawah produktif terus berkurang.",
        "Building without a permit on {loc}|Building in the beach setback in {desa}|Villa built "
        "in the green belt in {desa}",
        "A new building on {loc} is going up without a building approval|A building on the "
        "beach in {desa} stands inside the beach setback zone|Villas are being built in the "
        "green belt and rice fields near {loc}",
        "Construction goes on despite reports.|Residents can no longer reach the beach.|"
        "Productive rice fields keep disappearing.",
        "bangunan sudah disegel dan pemilik diproses sesuai peraturan daerah",
        "the building has been sealed and the owner dealt with under the regulations",
    ),
    "gepeng_pedagang_acung": (
        "Pengemis anak di simpang {loc}|Pedagang acung memaksa wisatawan di {desa}|Gelandangan di "
        "{loc}",
        "Ada anak-anak mengemis di lampu merah {loc}|Pedagang acung di pantai {desa} memaksa "
        "wisatawan membeli dagangan|Beberapa gelandangan tidur di emperan toko di {loc}",
        "Anak-anak berisiko tertabrak kendaraan.|Wisatawan merasa tidak nyaman.|Mohon ditangani "
        "dan dibina.",
        "Child beggars at the junction on {loc}|Pushy hawkers harassing tourists in {desa}|"
        "Homeless people on {loc}",
        "Children are begging at the traffic light on {loc}|Hawkers on the beach in {desa} "
        "pressure tourists into buying|Several homeless people sleep in front of the shops on "
        "{loc}",
        "The children could be hit by a car.|Tourists feel uncomfortable.|Please deal with it "
        "and help them.",
        "Satpol PP sudah melakukan penjangkauan dan penertiban di lokasi",
        "Satpol PP reached out to them and cleared the area",
    ),
}
GENERIC_TEXTS = (
    "{name} di {desa}|Masalah {name} di {loc}",
    "Kami melaporkan masalah {name} di {loc}|Ada masalah {name} di sekitar {loc}",
    "Mohon perhatian.|Warga sekitar terganggu.",
    "{name_en} in {desa}|Problem on {loc}: {name_en}",
    "We report a problem ({name_en}) on {loc}|There is a problem ({name_en}) around {loc}",
    "Please look into it.|Residents are affected.",
    "laporan sudah ditindaklanjuti di lokasi",
    "the report has been dealt with on site",
)

DURATION_ID = [
    "sejak {n} hari yang lalu",
    "sejak minggu lalu",
    "sudah lebih dari sebulan",
    "sejak kemarin malam",
    "hampir setiap hari",
    "sejak awal bulan ini",
    "sejak hujan deras kemarin",
]
DURATION_EN = [
    "for {n} days now",
    "since last week",
    "for more than a month",
    "since last night",
    "almost every day",
    "since the start of the month",
    "since the heavy rain yesterday",
]
CLOSER_ID = [
    "Mohon segera ditindaklanjuti.",
    "Mohon perhatian dinas terkait.",
    "Terima kasih atas perhatiannya.",
    "Warga sudah lama menunggu perbaikan.",
    "Sudah pernah disampaikan ke kelian banjar tetapi belum ada tindakan.",
    "Mohon dicek ke lokasi.",
]
CLOSER_EN = [
    "Please fix it soon.",
    "Could the responsible office please take a look?",
    "Thank you.",
    "Residents have been waiting a long time.",
    "We already told the banjar head but nothing happened.",
    "Please come and check.",
]
PREFIXES = {  # (kind, English): title prefix, second sentence
    ("aspiration", False): ("Usulan: ", "Kami mengusulkan agar masalah ini ditangani permanen."),
    ("aspiration", True): ("Suggestion: ", "We suggest a permanent solution for this problem."),
    ("information", False): ("Pertanyaan: ", "Mohon informasi kapan masalah ini ditangani."),
    ("information", True): ("Question: ", "Could you tell us when this will be dealt with?"),
}

REJECT = (
    [
        "Laporan tidak dapat diverifikasi karena lokasi dan uraiannya tidak jelas.",
        "Laporan ini bukan kewenangan Pemerintah Kabupaten Badung dan sudah kami sampaikan "
        "kepada instansi terkait.",
        "Lokasi yang dilaporkan berada di luar wilayah Kabupaten Badung.",
        "Laporan berisi promosi dan bukan pengaduan.",
        "Masalah yang sama sudah diselesaikan; silakan lapor kembali bila muncul lagi.",
    ],
    [
        "The report cannot be verified because the place and the description are unclear.",
        "This is not a matter for the Badung regency government; we have passed it to the "
        "authority concerned.",
        "The reported place is outside Badung regency.",
        "The report is an advertisement, not a complaint.",
        "The same problem has already been solved; please report again if it comes back.",
    ],
)
RESPOND = (
    [
        "Terima kasih atas laporannya. Petugas {opd} akan meninjau lokasi minggu ini.",
        "Tim {opd} sudah melakukan survei lapangan di {desa}; penanganan sedang dijadwalkan.",
        "Penanganan sedang berjalan dan diperkirakan selesai dalam beberapa hari.",
        "Laporan sudah kami koordinasikan dengan perbekel/lurah {desa}.",
        "Material dan tenaga sudah disiapkan; pekerjaan dimulai setelah cuaca memungkinkan.",
    ],
    [
        "Thank you for your report. {opd} staff will inspect the place this week.",
        "The {opd} team has surveyed the site in {desa}; the work is being scheduled.",
        "The work is under way and should be finished in a few days.",
        "We have coordinated with the head of {desa}.",
        "Materials and workers are ready; the work starts as soon as the weather allows.",
    ],
)
INFO_REQUEST = (
    [
        "Mohon kirimkan foto terbaru dan titik lokasi yang lebih tepat.",
        "Mohon sebutkan nama jalan, nomor rumah atau patokan terdekat.",
        "Mohon lengkapi nomor telepon yang dapat dihubungi petugas lapangan.",
        "Mohon jelaskan sejak kapan masalah ini terjadi.",
    ],
    [
        "Please send a recent photo and a more precise location.",
        "Please give the street name, house number or the nearest landmark.",
        "Please add a phone number our field officer can call.",
        "Please tell us since when this has been happening.",
    ],
)
INFO_PROVIDED = (
    [
        "Lokasinya di sebelah utara balai banjar, foto sudah saya lampirkan.",
        "Patokannya di depan warung dekat pura desa.",
        "Nomor saya bisa dihubungi setiap hari.",
        "Masalahnya sudah terjadi sejak dua minggu lalu dan makin parah.",
    ],
    [
        "It is just north of the banjar hall, I attached a photo.",
        "The landmark is the warung in front of the village temple.",
        "You can call my number any day.",
        "It started two weeks ago and is getting worse.",
    ],
)
RESOLVE = (
    [
        "{Fix}.",
        "{Fix}. Terima kasih atas laporan Anda.",
        "Tim {opd} telah menindaklanjuti laporan ini: {fix}.",
        "Sudah ditangani di lapangan: {fix}. Silakan beri penilaian atas penanganan kami.",
    ],
    [
        "{Fix}.",
        "{Fix}. Thank you for your report.",
        "The {opd} team has followed up on this report: {fix}.",
        "Handled on site: {fix}. Please rate how we dealt with it.",
    ],
)
NOTES = [
    "Sudah dikoordinasikan dengan kepala lingkungan setempat.",
    "Menunggu ketersediaan anggaran perubahan.",
    "Perlu alat berat; diajukan ke bidang terkait.",
    "Petugas lapangan sudah dijadwalkan.",
    "Pelapor sudah dihubungi lewat telepon.",
    "Foto lokasi sudah dicek, sesuai laporan.",
]
RETURN_NOTES = [
    "Bukan kewenangan kami; mohon diteruskan ke OPD yang tepat.",
    "Lokasi di luar wilayah tugas kami.",
    "Kategori kurang tepat, mohon dicek ulang oleh verifikator.",
]
RATING_COMMENTS = {
    5: (
        ["Terima kasih, penanganannya cepat!", "Mantap, sudah beres.", "Pelayanan sangat baik."],
        ["Thank you, that was quick!", "Great, all fixed.", "Excellent service."],
    ),
    4: (
        ["Sudah ditangani, terima kasih.", "Cukup baik walau agak lama."],
        ["Fixed, thank you.", "Good, although it took a while."],
    ),
    3: (
        ["Lumayan, tapi butuh waktu lama.", "Sudah diperbaiki tapi kurang rapi."],
        ["Okay, but it took long.", "Repaired, but not very neatly."],
    ),
    2: (
        ["Penanganannya lama sekali.", "Hanya diperbaiki sementara."],
        ["It took far too long.", "Only a temporary fix."],
    ),
    1: (
        ["Masalahnya belum benar-benar selesai.", "Tidak ada perubahan di lapangan."],
        ["The problem is not really solved.", "Nothing changed on the ground."],
    ),
}
STAFF_NAMES = [
    "I Made Suarjana",
    "Ni Putu Ayu Lestari",
    "I Ketut Widana",
    "I Gede Adi Putra",
    "Ni Kadek Sri Wahyuni",
    "I Wayan Sukarta",
    "I Nyoman Darma",
    "Ni Komang Yuliani",
    "Dewa Ayu Maharani",
    "Anak Agung Ngurah Oka",
    "I Putu Eka Saputra",
    "Ni Wayan Sudiani",
    "Ida Bagus Surya",
    "Ni Luh Gede Sriasih",
]
DESK_NAMES = ["Ni Made Ayu Pratiwi", "I Komang Arya Wiguna", "Luh Putu Candra", "Gusti Ayu Rai"]
FIRST_BALI = [
    "I Wayan",
    "I Made",
    "I Nyoman",
    "I Ketut",
    "I Putu",
    "I Kadek",
    "I Komang",
    "I Gede",
    "Ni Wayan",
    "Ni Made",
    "Ni Nyoman",
    "Ni Ketut",
    "Ni Putu",
    "Ni Kadek",
    "Ni Komang",
    "Ni Luh",
    "Anak Agung",
    "I Gusti Ngurah",
    "I Gusti Ayu",
    "Ida Bagus",
    "Ida Ayu",
    "Dewa Ayu",
]
LAST_BALI = [
    "Sudarma",
    "Suartana",
    "Ariawan",
    "Wirawan",
    "Sukadana",
    "Adnyana",
    "Mahendra",
    "Pratama",
    "Astawa",
    "Budiarta",
    "Darmawan",
    "Eka Putra",
    "Gunawan",
    "Jaya",
    "Kusuma",
    "Mertha",
    "Parwata",
    "Sedana",
    "Suardana",
    "Widiastuti",
    "Sari",
    "Dewi",
    "Ayu Lestari",
    "Puspita",
    "Yuliani",
    "Rahayu",
    "Antara",
    "Wiryawan",
]
OTHER_NAMES = [
    "Ahmad Fauzi",
    "Siti Aminah",
    "Budi Santoso",
    "Dewi Lestari",
    "Rudi Hartono",
    "Agus Salim",
    "Rina Marlina",
    "Hendra Wijaya",
    "Yohanes Lado",
    "Maria Goreti",
    "Fransiskus Bria",
    "Nur Hidayah",
    "Andi Saputra",
]
VISITOR_NAMES = [
    "James Wilson",
    "Sarah Thompson",
    "Emma Brown",
    "Liam O'Connor",
    "Chloe Martin",
    "Lukas Schneider",
    "Anna Kowalski",
    "Daniel Smith",
    "Olivia Taylor",
    "Jack Anderson",
    "Sophie Dubois",
    "Kenji Tanaka",
    "Mia Jensen",
    "Noah Williams",
]
MAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.id")

LEVELS = {"reminder": 0, "level1": 1, "level2": 2, "level3": 3}
EPOCH = datetime.date(1970, 1, 1)
DAY = 86400

COMPLAINT_COLUMNS = [
    "id",
    "tracking_code",
    "kind",
    "title",
    "description",
    "category_id",
    "sector_id",
    "desa_id",
    "kecamatan_id",
    "latitude",
    "longitude",
    "address_detail",
    "privacy",
    "channel",
    "source_reference",
    "reporter_id",
    "reporter_name",
    "reporter_email",
    "reporter_phone",
    "access_key_digest",
    "language",
    "status",
    "suggested_opd_id",
    "current_opd_id",
    "assignee_id",
    "merged_into_id",
    "created_at",
    "updated_at",
    "dispatched_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "paused_at",
    "submitted_on",
    "next_check_on",
    "verification_due",
    "first_response_due",
    "resolution_due",
    "escalation_level",
    "supporters_count",
    "rating",
    "rating_comment",
]
EVENT_COLUMNS = [
    "complaint_id",
    "action",
    "by",
    "actor_id",
    "actor_label",
    "opd_id",
    "from_status",
    "to_status",
    "is_public",
    "public_text",
    "internal_note",
    "created_at",
]
ESCALATION_COLUMNS = ["complaint_id", "deadline", "step", "due", "created_at"]
SUPPORTER_COLUMNS = ["complaint_id", "user_id", "fingerprint", "created_at"]
TABLES = (
    (Complaint, COMPLAINT_COLUMNS),
    (Event, EVENT_COLUMNS),
    (Escalation, ESCALATION_COLUMNS),
    (Supporter, SUPPORTER_COLUMNS),
)


# Small helpers ------------------------------------------------------------------------------

_CODE_SPACE = len(TRACKING_ALPHABET) ** TRACKING_LENGTH
_CODE_MUL = 282475249  # 7**10: coprime with 30**6, so id -> code is a permutation
_CODE_ADD = 123456789


def tracking_code_for(number):
    """The tracking code of the n-th generated complaint: a bijection, so never a collision."""
    x = (number * _CODE_MUL + _CODE_ADD) % _CODE_SPACE
    base = len(TRACKING_ALPHABET)
    chars = []
    for _ in range(TRACKING_LENGTH):
        x, r = divmod(x, base)
        chars.append(TRACKING_ALPHABET[r])
    return "BDG-" + "".join(chars)


def access_key_for(tracking_code):
    """The access key of a generated complaint (so that a load test can present it)."""
    return hashlib.sha256(f"badung-bench:{tracking_code}".encode()).hexdigest()[:32]


def _cumulative(pairs):
    items, total, cum = [], 0.0, []
    for item, weight in pairs:
        if weight <= 0:
            continue
        total += weight
        items.append(item)
        cum.append(total)
    return items, cum


def _pick(rng, table):
    items, cum = table
    return items[bisect.bisect(cum, rng.random() * cum[-1])]


def _day_number(date):
    return (date - EPOCH).days


class WorkCalendar:
    """Working days (opd.calendar's rules) as arrays over a window of day numbers: O(1) sums."""

    def __init__(self, first, last):
        off = calendar.days_off(EPOCH + datetime.timedelta(first), EPOCH + datetime.timedelta(last))
        off = {_day_number(d) for d in off}
        self.base = first
        self.last = last
        self.cum = []
        self.working = []
        count = 0
        for day in range(first, last + 1):
            if (day + 3) % 7 < 5 and day not in off:  # 1970-01-01 was a Thursday
                count += 1
                self.working.append(day)
            self.cum.append(count)

    def is_working(self, day):
        k = day - self.base
        return self.cum[k] != (self.cum[k - 1] if k else 0)

    def add(self, day, n):
        """The day `n` working days after `day` (as opd.calendar.add_working_days)."""
        if n <= 0:
            return day
        return self.working[self.cum[day - self.base] + n - 1]

    def between(self, start, end):
        """Working days after `start` up to and including `end`."""
        if end <= start:
            return 0
        return self.cum[end - self.base] - self.cum[start - self.base]


class State:
    """Everything a chunk builder needs; set before the worker processes fork."""


_STATE = State()


# The simulation of one chunk -----------------------------------------------------------------


def _build_chunk(job):
    """Simulate complaints lo..hi-1; return (chunk, n, {table: csv text}, tallies)."""
    chunk_no, lo, hi = job
    st = _STATE
    rng = random.Random(f"{st.seed}:{st.first_id}:{chunk_no}")
    out = {"complaints": [], "events": [], "escalations": [], "supporters": []}
    tallies = collections.Counter()
    last_by_category = {}
    for idx in range(lo, hi):
        status = _simulate(st, rng, st.first_id + idx, st.times[idx], out, last_by_category)
        tallies[status] += 1
    text = {}
    for name, rows in out.items():
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        text[name] = buffer.getvalue()
        tallies[name] = len(rows)
    return chunk_no, hi - lo, text, tallies


def _simulate(st, rng, cid, t0, out, last_by_category):
    """One complaint from filing to `now`: its row, events, escalation steps and supporters."""
    cal = st.cal
    add, between, base, is_working = cal.add, cal.between, cal.base, cal.is_working
    days, hms = st.day_strings, st.hms
    now, today = st.now, st.today
    rand = rng.random
    escalations = out["escalations"]

    def randint(low, high):  # rng.randint, a third of the cost
        return low + int(rand() * (high - low + 1))

    def choice(seq):
        return seq[int(rand() * len(seq))]

    def ts(t):
        return None if t is None else days[t // DAY - base] + hms[t % DAY]

    def ds(d):
        return None if d is None else days[d - base]

    def office(day, t_min, wd):
        """A time in office hours `wd` working days after `day` (0: that day), after t_min."""
        day = day if wd <= 0 and is_working(day) else add(day, max(wd, 1))
        t = day * DAY + randint(8 * 3600, 16 * 3600)
        if t <= t_min:
            if t_min // DAY == day and t_min % DAY < 15 * 3600:
                t = t_min + randint(900, 5400)
            else:
                t = add(max(day, t_min // DAY), 1) * DAY + randint(8 * 3600, 16 * 3600)
        return t

    def citizen(t_min, low, high):
        t = t_min + randint(low, high)
        return t + 6 * 3600 if t % DAY < 6 * 3600 else t

    d0 = t0 // DAY
    desa = _pick(rng, st.desa_table)
    kec = desa["kecamatan"]
    if d0 in st.flood_days and rand() < 0.55:
        cat = _pick(rng, st.flood_table)
    else:
        cat = _pick(rng, st.category_tables[(kec["code"], st.month_of[d0 - base])])
    texts = cat["texts"]
    kind = _pick(rng, st.kinds)
    privacy = _pick(rng, st.privacies)
    channel = _pick(rng, st.channels)
    en_share = 0.22 if kec["code"] in TOURIST else (0.08 if kec["code"] == "51.03.02" else 0.03)
    en = rand() < en_share
    no_category = channel in {"web", "api"} and rand() < 0.1
    route = st.routes.get((cat["id"], kec["id"]), cat["default_opd"])

    # Place and words.
    streets = st.streets.get(kec["code"]) or [f"Jl. Raya {desa['name']}"]
    street = choice(streets) if rand() < 0.75 else f"Jl. Raya {desa['name']}"
    banjar = choice(BANJAR)
    loc = street if en or rand() < 0.7 else f"{street}, {banjar}"
    fmt = {"loc": loc, "desa": desa["name"], "name": cat["name_id"], "name_en": cat["name_en"]}
    k = 3 if en else 0
    title = choice(texts[k]).format(**fmt)
    problem = choice(texts[k + 1]).format(**fmt)
    duration = choice(DURATION_EN if en else DURATION_ID).format(n=randint(2, 14))
    parts = [f"{problem} {duration}.", choice(texts[k + 2])]
    if rand() < 0.35:
        landmark = choice(LANDMARKS)[en].format(desa=desa["name"], n=randint(1, 8))
        parts.append(f"It is {landmark}." if en else f"Lokasinya {landmark}.")
    parts.append(choice(CLOSER_EN if en else CLOSER_ID))
    if kind != "complaint":
        prefix, sentence = PREFIXES[(kind, en)]
        title = prefix + title
        parts.insert(1, sentence)
    title = title[:150]
    description = " ".join(parts)

    lat = lon = None
    if rand() < 0.65:
        lat = f"{desa['lat'] + rng.gauss(0, 0.006):.6f}"
        lon = f"{desa['lon'] + rng.gauss(0, 0.006):.6f}"
    address = ""
    if rand() < 0.7:
        address = f"{street} No. {randint(1, 180)}, {banjar}" if rand() < 0.6 else banjar

    # Reporter.
    if en and rand() < 0.8:
        name = choice(VISITOR_NAMES)
    elif rand() < 0.85:
        name = f"{choice(FIRST_BALI)} {choice(LAST_BALI)}"
    else:
        name = choice(OTHER_NAMES)
    slug = name.lower().replace("'", "").replace(" ", ".")
    phone = f"08{randint(11, 59)}{randint(10000000, 99999999)}"
    email = f"{slug}{randint(1, 999)}@{choice(MAIL_DOMAINS)}"
    if channel in {"whatsapp", "phone"}:
        email = email if rand() < 0.2 else ""
    elif channel == "walk_in":
        email = email if rand() < 0.4 else ""
    elif rand() < 0.55:
        phone = ""
    reporter_name = "" if privacy == "anonymous" and rand() < 0.5 else name
    source = ""
    if channel == "social_media":
        if rand() < 0.5:
            source = f"https://www.instagram.com/p/C{tracking_code_for(cid * 7)[4:]}{cid % 97}/"
        else:
            source = f"https://x.com/warga_badung/status/{1700000000000000000 + cid}"
    code = tracking_code_for(cid)

    # The lifecycle, cut at `now`.
    taken = set()
    s = {"status": "submitted", "level": 0}
    ev = [(t0, "filed", "reporter", None, "", None, "", "submitted", "t", "", "")]

    def emit(t, action, by, label="", opd=None, to=None, public="t", text="", note=""):
        ev.append(
            (t, action, by, None, label, opd, s["status"], to or s["status"], public, text, note)
        )
        if to:
            s["status"] = to

    def clock(deadline, start, due, t_from, t_to):
        """The steps the sweep took for one running deadline; return the next pending day."""
        span = between(start, due)
        reminder = min(add(start, max(1, math.floor(span * 0.8))), due)
        steps = [("reminder", reminder), ("level1", due + 1), ("level2", add(due, 2))]
        if deadline == "resolution":
            steps.append(("level3", due + 1))
        pending = None
        for step, day in steps:
            key = (deadline, step, due)
            if key in taken:
                continue
            at = max(day * DAY, t_from) + randint(5, 290)
            if t_to is None:
                done = day <= today  # today's sweeps have run
                at = min(at, now)
            else:
                done = at < t_to
            if done:
                taken.add(key)
                escalations.append((cid, deadline, step, ds(due), ts(at)))
                s["level"] = max(s["level"], LEVELS[step])
            elif t_to is None and (pending is None or day < pending):
                pending = day
        return pending

    sub_on, ver_due = d0, add(d0, settings.PORTAL_VERIFICATION_DAYS)
    opd = assignee = merged_into = None
    dispatched = first_response = resolved = closed = paused = None
    fr_due = res_due = None
    next_check = None
    rating, rating_comment = None, ""
    open_now = final = wrong = False
    t_clock = t0
    returned = False
    while True:  # verification, and once more after a return by the OPD
        t1 = office(t_clock // DAY, t_clock, _pick(rng, st.verify_delay))
        if t1 > now:
            next_check = clock("verification", sub_on, ver_due, t_clock, None)
            open_now = True
            break
        clock("verification", sub_on, ver_due, t_clock, t1)
        desk = choice(DESK_NAMES)
        r = rand()
        target = last_by_category.get(cat["id"])
        if r < 0.07 and not returned:
            emit(t1, "rejected", "staff", desk, to="rejected", text=choice(REJECT[en]))
            closed, final = t1, True
            break
        if r < 0.10 and not returned and target is not None:
            emit(t1, "merged", "staff", desk, to="merged")
            closed, merged_into, final = t1, target, True
            break
        wrong = not returned and rand() < 0.02
        opd = choice(st.other_opds[route]) if wrong else route
        emit(t1, "dispatched", "staff", desk, opd, to="dispatched")
        dispatched, s["level"] = t1, 0
        d1 = t1 // DAY
        fr_due = add(d1, settings.PORTAL_FIRST_RESPONSE_DAYS)
        res_due = min(add(d1, cat["target"]), d1 + settings.PORTAL_MAX_RESOLUTION_CALENDAR_DAYS)
        if not wrong:
            break
        t_ret = office(d1, t1, randint(1, 2))
        if t_ret > now:
            break
        clock("first_response", d1, fr_due, t1, t_ret)
        clock("resolution", d1, res_due, t1, t_ret)
        emit(
            t_ret,
            "returned",
            "staff",
            choice(STAFF_NAMES),
            opd,
            "submitted",
            "f",
            note=choice(RETURN_NOTES),
        )
        opd = dispatched = fr_due = res_due = None
        s["level"] = 0
        sub_on = t_ret // DAY
        ver_due = add(sub_on, settings.PORTAL_VERIFICATION_DAYS)
        t_clock, returned, wrong = t_ret, True, False

    if not (open_now or final):  # dispatched at t1
        t2 = office(d1, dispatched, _pick(rng, st.ack_delay))
        if wrong or t2 > now:  # waiting for the OPD's first answer (or its return)
            p1 = clock("first_response", d1, fr_due, dispatched, None)
            p2 = clock("resolution", d1, res_due, dispatched, None)
            next_check = min((p for p in (p1, p2) if p is not None), default=None)
            open_now = True
    if not (open_now or final):
        clock("first_response", d1, fr_due, dispatched, t2)
        officer = choice(STAFF_NAMES)
        staff_fmt = {"opd": st.opd_names[opd], "desa": desa["name"]}
        if rand() < 0.75:
            emit(t2, "acknowledged", "staff", officer, opd, "in_progress")
        else:
            text = choice(RESPOND[en]).format(**staff_fmt)
            emit(t2, "responded", "staff", officer, opd, "in_progress", text=text)
        first_response = t2
        if opd == st.officer_opd and rand() < 0.35:
            ta = t2 + randint(60, 540)
            if ta <= now:
                note = f"Ditugaskan kepada {st.officer_name}."
                emit(ta, "assigned", "staff", officer, opd, public="f", note=note)
                assignee = st.officer_id
        work = cat["target"] * rng.lognormvariate(-0.6, 0.6)
        if rand() < 0.02:  # stuck: the OPD lets it lie for months
            work = work * rng.uniform(3, 8) + 5
        rw = min(250, max(int(work), 1))
        res_from = t_lo = t2
        t4 = office(d1, t2 + 1800, rw)
        if rand() < 0.09:  # information requested from the reporter
            t3 = office(d1, t2 + 600, randint(0, max(1, rw // 2)))
            if t3 > now:
                t4 = t3  # still being handled when the data ends
            else:
                clock("resolution", d1, res_due, res_from, t3)
                emit(
                    t3,
                    "info_requested",
                    "staff",
                    officer,
                    opd,
                    "info_requested",
                    text=choice(INFO_REQUEST[en]),
                )
                paused, d3 = t3, t3 // DAY
                expiry_day = add(d3, 10)
                expiry = expiry_day * DAY + randint(5, 290)
                if expiry_day <= today:
                    expiry = min(expiry, now)
                reply = citizen(t3, 3600, 5 * DAY) if rand() < 0.8 else None
                if reply is None or reply >= expiry:
                    if expiry > now:
                        next_check, open_now = expiry_day, True
                    else:
                        emit(expiry, "expired", "system", "", opd, "rejected")
                        closed, paused, final = expiry, None, True
                elif reply > now:
                    next_check, open_now = expiry_day, True
                else:
                    emit(
                        reply,
                        "info_provided",
                        "reporter",
                        "",
                        opd,
                        "in_progress",
                        text=choice(INFO_PROVIDED[en]),
                    )
                    held = between(d3, reply // DAY)
                    if held:
                        res_due = add(res_due, held)
                    paused = None
                    res_from = t_lo = reply
                    t4 = office(reply // DAY, reply + 1800, max(1, rw - between(d1, d3)))
    if not (open_now or final):
        if rand() < 0.15:
            tn = t_lo + int((t4 - t_lo) * rng.uniform(0.1, 0.4))
            if tn <= now:
                emit(tn, "note", "staff", officer, opd, public="f", note=choice(NOTES))
        if rand() < 0.55:
            tr = t_lo + int((t4 - t_lo) * rng.uniform(0.5, 0.9))
            if tr <= now:
                text = choice(RESPOND[en]).format(**staff_fmt)
                emit(tr, "responded", "staff", officer, opd, text=text)
        if t4 > now:
            next_check = clock("resolution", d1, res_due, res_from, None)
            open_now = True
    if not (open_now or final):
        clock("resolution", d1, res_due, res_from, t4)
        fix = texts[7] if en else texts[6]
        text = choice(RESOLVE[en]).format(
            fix=fix, Fix=fix[0].upper() + fix[1:], opd=staff_fmt["opd"]
        )
        emit(t4, "resolved", "staff", officer, opd, "resolved", text=text)
        resolved = t4
        close_day = add(t4 // DAY, 10)
        auto = close_day * DAY + randint(5, 290)
        if close_day <= today:
            auto = min(auto, now)
        t5 = citizen(t4, 1800, 8 * DAY) if rand() < 0.45 else None
        if t5 is not None and t5 < auto:
            if t5 > now:
                next_check = close_day
            else:
                rating = _pick(rng, st.ratings)
                if rand() < 0.5:
                    rating_comment = choice(RATING_COMMENTS[rating][en])
                emit(t5, "rated", "reporter", "", opd, "closed", text=rating_comment)
                closed = t5
        elif auto > now:
            next_check = close_day
        else:
            emit(auto, "auto_closed", "system", "", opd, "closed")
            closed = auto

    ev.sort(key=lambda e: e[0])
    events = out["events"]
    for e in ev:
        events.append((cid, *e[1:], ts(e[0])))
    last_by_category[cat["id"]] = cid
    status = s["status"]

    # Supporters: public complaints that reached an OPD, while they were open.
    n_supporters = 0
    if privacy != "confidential" and dispatched is not None:
        share = 0.2 if cat["sector"] in {"infrastruktur", "lingkungan", "kebencanaan"} else 0.1
        span = (closed if closed is not None else now) - dispatched
        if span > 3600 and rand() < share:
            n_supporters = min(400, int(rng.paretovariate(1.25)))
            for j in range(n_supporters):
                mark = f"{st.seed}:{cid}:{j}".encode()
                fingerprint = ("cookie:" if j % 5 else "ip:") + hashlib.blake2b(
                    mark, digest_size=32
                ).hexdigest()
                out["supporters"].append(
                    (cid, None, fingerprint, ts(dispatched + randint(60, span)))
                )

    category_id = None if (no_category and status == "submitted") else cat["id"]
    out["complaints"].append(
        (
            cid,
            code,
            kind,
            title,
            description,
            category_id,
            cat["sector_id"] if category_id else None,
            desa["id"],
            kec["id"],
            lat,
            lon,
            address,
            privacy,
            channel,
            source,
            None,  # reporter account
            reporter_name,
            email,
            phone,
            digest_key(access_key_for(code)),
            "en" if en else "id",
            status,
            route if category_id else None,
            opd,
            assignee,
            merged_into,
            ts(t0),
            ts(ev[-1][0]),
            ts(dispatched),
            ts(first_response),
            ts(resolved),
            ts(closed),
            ts(paused),
            ds(sub_on),
            ds(next_check),
            ds(ver_due),
            ds(fr_due),
            ds(res_due),
            s["level"],
            n_supporters,
            rating,
            rating_comment,
        )
    )
    return status


# Preparation ---------------------------------------------------------------------------------


def _prepare(n, seed, years, now_dt, first_id):
    """Reference data, calendar, filing times: the state that the chunk builders share."""
    st = State()
    st.seed, st.first_id = seed, first_id
    local = timezone.localtime(now_dt)
    offset = int(local.utcoffset().total_seconds())
    st.now = int(now_dt.timestamp()) + offset  # wall-clock seconds in the portal's time zone
    st.today = st.now // DAY
    start = st.now - int(years * 365.2425 * DAY)
    first_day, last_day = start // DAY - 10, st.today + 800
    st.cal = WorkCalendar(first_day, last_day)
    sign = "+" if offset >= 0 else "-"
    suffix = f"{sign}{abs(offset) // 3600:02d}:{abs(offset) % 3600 // 60:02d}"
    st.hms = [f" {s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}{suffix}" for s in range(DAY)]
    st.day_strings = [
        (EPOCH + datetime.timedelta(d)).isoformat() for d in range(first_day, last_day + 1)
    ]
    st.month_of = [(EPOCH + datetime.timedelta(d)).month for d in range(first_day, last_day + 1)]

    desas = []
    for d in Desa.objects.select_related("kecamatan").order_by("code"):
        kec = d.kecamatan
        desas.append(
            {
                "id": d.pk,
                "name": d.name,
                "lat": float(d.latitude),
                "lon": float(d.longitude),
                "kecamatan": {"id": kec.pk, "code": kec.code},
            }
        )
    per_kecamatan = collections.Counter(d["kecamatan"]["code"] for d in desas)
    st.desa_table = _cumulative(
        (
            d,
            KECAMATAN_SHARE.get(d["kecamatan"]["code"], 0.02)
            / per_kecamatan[d["kecamatan"]["code"]]
            * DESA_BOOST.get(d["name"], 1.0),
        )
        for d in desas
    )
    st.streets = {code: streets.split("|") for code, streets in STREETS.items()}

    categories = []
    for c in Category.objects.filter(is_active=True).select_related("sector", "default_opd"):
        texts = CATEGORY_TEXTS.get(c.code, GENERIC_TEXTS)
        categories.append(
            {
                "id": c.pk,
                "code": c.code,
                "name_id": c.name_id.lower(),
                "name_en": c.name_en.lower(),
                "sector": c.sector.code,
                "sector_id": c.sector_id,
                "default_opd": c.default_opd_id,
                "target": c.target_working_days,
                "texts": [part.split("|") for part in texts[:6]] + list(texts[6:]),
            }
        )
    st.category_tables = {}
    kecamatan_codes = {d["kecamatan"]["code"] for d in desas}
    for code in kecamatan_codes:
        for month in range(1, 13):
            weights = []
            for c in categories:
                w = CATEGORY_WEIGHT.get(c["code"], 5) * _season(c["code"], month)
                if code in TOURIST:
                    w *= TOURIST_BOOST.get(c["code"], 1.0)
                if code in RURAL:
                    w *= RURAL_BOOST.get(c["code"], 1.0)
                    if c["code"] in {"sampah_pantai", "abrasi_pantai"}:
                        w = 0
                if code not in COASTAL and c["code"] in {"sampah_pantai", "abrasi_pantai"}:
                    w = 0
                weights.append((c, w))
            st.category_tables[(code, month)] = _cumulative(weights)
    st.flood_table = _cumulative((c, FLOOD_CATEGORIES.get(c["code"], 0)) for c in categories)

    st.routes = {}
    for rule in RoutingRule.objects.filter(opd__is_active=True, kecamatan__isnull=False):
        st.routes[(rule.category_id, rule.kecamatan_id)] = rule.opd_id
    general = dict(
        RoutingRule.objects.filter(opd__is_active=True, kecamatan__isnull=True).values_list(
            "category_id", "opd_id"
        )
    )
    for c in categories:
        c["default_opd"] = general.get(c["id"], c["default_opd"])
    opds = list(Opd.objects.filter(is_active=True).values_list("pk", "abbreviation", "kind"))
    st.opd_names = {pk: abbreviation for pk, abbreviation, _kind in opds}
    agencies = [pk for pk, _abbr, kind in opds if kind in {"dinas", "badan", "satpol_pp"}]
    st.other_opds = {pk: [o for o in agencies if o != pk] or [pk] for pk, _a, _k in opds}
    officer = Opd.objects.filter(code="PUPR").values_list("pk", flat=True).first()
    st.officer_opd = officer
    user = _bench_user("bench_officer")
    st.officer_id = user.pk if user else None
    st.officer_name = user.username if user else "bench_officer"

    st.kinds = _cumulative(KINDS)
    st.privacies = _cumulative(PRIVACIES)
    st.channels = _cumulative(CHANNELS)
    st.verify_delay = _cumulative(VERIFY_DELAY)
    st.ack_delay = _cumulative(ACK_DELAY)
    st.ratings = _cumulative(RATINGS)

    rng = random.Random(f"{seed}:{first_id}:times")
    # Floods: a few days in each rainy season bring five times the usual volume.
    st.flood_days = set()
    today = st.today
    for d in range(start // DAY, today + 1):
        if st.month_of[d - first_day] in {12, 1, 2} and rng.random() < 0.04:
            st.flood_days.add(d)
    day_list, day_weights = [], []
    span = max(1, today - start // DAY)
    for d in range(start // DAY, today + 1):
        growth = 0.5 + (d - start // DAY) / span  # the portal gets better known every year
        w = growth * MONTH_VOLUME[st.month_of[d - first_day]] * WEEKDAY_VOLUME[(d + 3) % 7]
        if d in st.flood_days:
            w *= 5
        if d == today:
            w *= (st.now % DAY) / DAY
        day_list.append(d)
        day_weights.append(w)
    cum_days = list(itertools.accumulate(day_weights))
    cum_hours = list(itertools.accumulate(HOUR_VOLUME))
    times = []
    for d in rng.choices(day_list, cum_weights=cum_days, k=n):
        hour = bisect.bisect(cum_hours, rng.random() * cum_hours[-1])
        t = d * DAY + hour * 3600 + rng.randrange(3600)
        if t > st.now:
            t = d * DAY + rng.randrange(max(1, st.now - d * DAY))
        times.append(max(t, start))
    times.sort()
    st.times = times
    return st


def _bench_user(username):
    from accounts.models import User

    return User.objects.filter(username=username).first()


# Database work -------------------------------------------------------------------------------


def _table(model):
    return model._meta.db_table


def _quote(name):
    return connection.ops.quote_name(name)


def _check_columns(cursor):
    """Refuse to load when a table gained a required column that this generator does not fill."""
    for model, columns in TABLES:
        cursor.execute(
            "SELECT column_name, is_nullable, column_default, is_identity "
            "FROM information_schema.columns WHERE table_name = %s AND table_schema = "
            "current_schema()",
            [_table(model)],
        )
        for name, nullable, default, identity in cursor.fetchall():
            if name in columns or name == "id":
                continue
            if nullable == "NO" and default is None and identity != "YES":
                raise RuntimeError(
                    f"{_table(model)}.{name} is required and unknown to bench.generate; "
                    "teach the generator about it"
                )


def _not_null_text(model, columns):
    """Columns whose empty CSV fields mean '' rather than NULL."""
    names = []
    for field in model._meta.concrete_fields:
        if (
            field.column in columns
            and not field.null
            and field.get_internal_type()
            in {
                "CharField",
                "TextField",
                "EmailField",
                "SlugField",
            }
        ):
            names.append(field.column)
    return names


def _copy_statements():
    statements = {}
    for (model, columns), name in zip(
        TABLES, ("complaints", "events", "escalations", "supporters"), strict=True
    ):
        cols = ", ".join(_quote(c) for c in columns)
        force = ", ".join(_quote(c) for c in _not_null_text(model, columns))
        options = f", FORCE_NOT_NULL ({force})" if force else ""
        statements[name] = f"COPY {_table(model)} ({cols}) FROM STDIN WITH (FORMAT csv{options})"
    return statements


def _user_triggers(cursor):
    """Triggers of our own on the loaded tables (beyond the foreign keys' internal ones)."""
    names = [_table(model) for model, _columns in TABLES]
    cursor.execute(
        "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = ANY("
        "SELECT oid FROM pg_class WHERE relname = ANY(%s))",
        [names],
    )
    return cursor.fetchone()[0]


def _is_superuser(cursor):
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    return bool(row and row[0])


def wipe_tables():
    """Empty the complaint-side tables (complaints, events, supporters, escalations,
    notifications, attachments) and restart their ids; the reference data stays."""
    tables = [_table(m) for m in (Event, Supporter, Escalation, Notification, Attachment)]
    tables.append(_table(Complaint))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def counts():
    """Rows per complaint-side table and complaints per status."""
    result = {}
    with connection.cursor() as cursor:
        for key, model in (
            ("complaints", Complaint),
            ("events", Event),
            ("supporters", Supporter),
            ("escalations", Escalation),
            ("notifications", Notification),
        ):
            cursor.execute(f"SELECT count(*) FROM {_table(model)}")
            result[key] = cursor.fetchone()[0]
        cursor.execute(f"SELECT status, count(*) FROM {_table(Complaint)} GROUP BY status")
        result["statuses"] = dict(sorted(cursor.fetchall()))
    return result


def ensure_bench_accounts():
    """The benchmark's staff accounts (password BENCH_PASSWORD); return {username: user}."""
    users = {}
    for username, role, opd_code, kecamatan_code in BENCH_ACCOUNTS:
        user, _created = staff_create(
            username=username,
            password=BENCH_PASSWORD,
            role=role,
            opd_code=opd_code,
            kecamatan_code=kecamatan_code,
            email=f"{username}@bench.example.org",
        )
        users[username] = user
    return users


class Progress:
    """A one-line progress report on stderr (no dependency)."""

    def __init__(self, total, enabled):
        self.total, self.enabled = total, enabled
        self.done = 0
        self.start = self.shown = time.monotonic()

    def update(self, n, tallies):
        self.done += n
        now = time.monotonic()
        if not self.enabled or (now - self.shown < 0.5 and self.done < self.total):
            return
        self.shown = now
        rate = self.done / max(now - self.start, 1e-6)
        eta = (self.total - self.done) / rate if rate else 0
        sys.stderr.write(
            f"\r  complaints {self.done:>11,}/{self.total:,}"
            f" ({100 * self.done / self.total:5.1f} %)"
            f"  {rate:8,.0f}/s  events {tallies['events']:>11,}  ETA {eta:5.0f} s "
        )
        if self.done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _results(jobs, workers):
    """Chunks in order: built here, or by `workers` forked processes a few chunks ahead."""
    if workers <= 0:
        for job in jobs:
            yield _build_chunk(job)
        return
    connections.close_all()  # the children never touch the database
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        pending = collections.deque()
        jobs = iter(jobs)
        for job in itertools.islice(jobs, workers * 2):
            pending.append(pool.apply_async(_build_chunk, (job,)))
        while pending:
            result = pending.popleft().get()
            job = next(jobs, None)
            if job is not None:
                pending.append(pool.apply_async(_build_chunk, (job,)))
            yield result
    finally:
        pool.terminate()
        pool.join()


def _say(message):
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def generate(
    complaints,
    *,
    wipe=False,
    seed=1,
    years=3,
    progress=True,
    add=False,
    workers=None,
    chunk_size=5000,
    now=None,
    vacuum=True,
):
    """Fill the database with `complaints` generated complaints; return row counts.

    On a database that already holds complaints nothing is done unless `wipe` (empty the
    complaint-side tables first) or `add` (append) is given; the result then says `skipped`.
    """
    global _STATE  # the forked workers read it
    started = time.monotonic()
    now = now or timezone.now()
    if connection.vendor != "postgresql":
        raise RuntimeError("bench.generate loads PostgreSQL with COPY; set DATABASE_URL")
    load_reference()
    ensure_bench_accounts()
    if wipe:
        wipe_tables()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), coalesce(max(id), 0) FROM {_table(Complaint)}")
        existing, max_id = cursor.fetchone()
        _check_columns(cursor)
        fast = _is_superuser(cursor) and not _user_triggers(cursor)
    if existing and not add:
        if progress:
            _say(
                f"The database already holds {existing:,} complaints: nothing done "
                "(--wipe to start again, --add to append)."
            )
        return {**counts(), "generated": 0, "skipped": True, "seconds": 0.0}
    if complaints <= 0:
        return {**counts(), "generated": 0, "skipped": False, "seconds": 0.0}

    if workers is None:
        workers = 0 if complaints <= 2 * chunk_size else max(1, (os.cpu_count() or 2) - 1)
    if progress:
        _say(
            f"Generating {complaints:,} complaints over {years} years (seed {seed}, "
            f"{workers or 'no'} worker process(es), chunks of {chunk_size:,})"
        )
    _STATE = _prepare(complaints, seed, years, now, max_id + 1)
    statements = _copy_statements()
    jobs = [
        (k, lo, min(lo + chunk_size, complaints))
        for k, lo in enumerate(range(0, complaints, chunk_size))
    ]
    bar = Progress(complaints, progress)
    tallies = collections.Counter()
    for _chunk, n, data, chunk_tallies in _results(jobs, workers):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            if fast:
                # Our rows reference only rows that exist: skip the per-row foreign key
                # triggers (internal ones; the check above refused when user triggers exist).
                cursor.execute("SET LOCAL session_replication_role = replica")
            for name in ("complaints", "events", "escalations", "supporters"):
                if data[name]:
                    cursor.copy_expert(statements[name], io.StringIO(data[name]), 1 << 20)
        tallies.update(chunk_tallies)
        bar.update(n, tallies)
    with connection.cursor() as cursor:
        table = _table(Complaint)
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    loaded = time.monotonic() - started
    if progress:
        _say(f"Loaded in {loaded:.0f} s; {'VACUUM ANALYZE' if vacuum else 'ANALYZE'} …")
    _analyze(vacuum)
    result = {
        **counts(),
        "generated": complaints,
        "skipped": False,
        "seconds": round(time.monotonic() - started, 1),
        "load_seconds": round(loaded, 1),
    }
    if progress:
        _say(f"Done in {result['seconds']:.0f} s: {result}")
    return result


def _analyze(vacuum):
    names = [_table(m) for m in (Complaint, Event, Escalation, Supporter)]
    with connection.cursor() as cursor:
        for name in names:
            if vacuum and connection.get_autocommit():
                cursor.execute(f"VACUUM (ANALYZE) {name}")
            else:
                cursor.execute(f"ANALYZE {name}")


def make_due(n, today=None):
    """Make exactly `n` open complaints due for the deadline sweep on `today`; return n.

    Every complaint already due is moved to tomorrow first. The chosen complaints (open ones
    handled for a week or more first, none that was swept today) get a deadline a few days in
    the past and `next_check_on = today`, so that the sweep takes real steps for each.
    """
    today = today or timezone.localdate()
    table = _table(Complaint)
    escalations = _table(Escalation)
    start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET next_check_on = %s WHERE next_check_on <= %s",
            [today + datetime.timedelta(days=1), today],
        )
        cursor.execute(
            f"""SELECT c.id FROM {table} c
                WHERE c.status IN ('submitted', 'dispatched', 'in_progress')
                  AND NOT EXISTS (SELECT 1 FROM {escalations} e
                                  WHERE e.complaint_id = c.id AND e.created_at >= %s)
                ORDER BY (c.created_at < %s) DESC, md5(c.id::text || %s)
                LIMIT %s""",
            [start_of_today, start_of_today - datetime.timedelta(days=7), str(today), n],
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"""UPDATE {table} SET
                  verification_due = CASE WHEN status = 'submitted'
                      THEN %(due)s - (id %% 3)::int ELSE verification_due END,
                  submitted_on = CASE WHEN status = 'submitted'
                      THEN LEAST(submitted_on, %(due)s - (id %% 3)::int - 5) ELSE submitted_on END,
                  first_response_due = CASE WHEN status = 'dispatched'
                      THEN %(due)s - (id %% 3)::int ELSE first_response_due END,
                  resolution_due = CASE WHEN status IN ('dispatched', 'in_progress')
                      THEN %(due)s - (id %% 3)::int ELSE resolution_due END,
                  next_check_on = %(today)s
                WHERE id = ANY(%(ids)s)""",
            {"due": today - datetime.timedelta(days=1), "today": today, "ids": ids},
        )
    return len(ids)


def due_count(today=None):
    """How many complaints the deadline sweep would read on `today`."""
    today = today or timezone.localdate()
    return Complaint.objects.filter(next_check_on__lte=today).count()


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--complaints", type=int, default=0, help="how many to generate")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--wipe", action="store_true", help="empty the complaint tables first")
    what.add_argument("--add", action="store_true", help="append to a filled database")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=float, default=3, help="how far back complaints go")
    parser.add_argument("--workers", type=int, default=None, help="generator processes")
    parser.add_argument("--chunk", type=int, default=5000, help="complaints per transaction")
    parser.add_argument("--no-vacuum", action="store_true", help="ANALYZE only, no VACUUM")
    parser.add_argument(
        "--make-due",
        type=int,
        default=None,
        metavar="N",
        help="afterwards, make N open complaints due for the deadline sweep",
    )
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.complaints or args.wipe:
        generate(
            args.complaints,
            wipe=args.wipe,
            add=args.add,
            seed=args.seed,
            years=args.years,
            progress=not args.quiet,
            workers=args.workers,
            chunk_size=args.chunk,
            vacuum=not args.no_vacuum,
        )
    if args.make_due is not None:
        done = make_due(args.make_due)
        _say(f"{done:,} complaints are due for the deadline sweep today ({due_count():,} due).")
    if not args.complaints and not args.wipe and args.make_due is None:
        parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
