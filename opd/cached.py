"""Reference rows kept in each process, so that hot paths neither query nor join them.

Areas, sectors, categories and OPDs change a few times a year, through the admin or
`load_reference`; each process reads them again at most a minute after a change (at once in the
process that made it). Rows come with their own references attached (a category's sector and
default OPD, a desa's kecamatan), so reading those never queries either.
"""

import time

from .models import Category, Desa, Kecamatan, Opd, Sector

REFRESH_SECONDS = 60
_state = {"tables": None, "read_at": 0.0}

# Complaint field -> table, for `attach`.
COMPLAINT_FIELDS = {
    "category": "categories",
    "sector": "sectors",
    "desa": "desa",
    "kecamatan": "kecamatan",
    "current_opd": "opds",
    "suggested_opd": "opds",
    "suggested_category": "categories",
}


def _tables():
    if _state["tables"] is None or time.monotonic() - _state["read_at"] > REFRESH_SECONDS:
        kecamatan = {k.pk: k for k in Kecamatan.objects.all()}
        sectors = {s.pk: s for s in Sector.objects.all()}
        opds = {o.pk: o for o in Opd.objects.all()}
        desa = {}
        for d in Desa.objects.all():
            d.kecamatan = kecamatan[d.kecamatan_id]
            desa[d.pk] = d
        categories = {}
        for c in Category.objects.all():
            c.sector = sectors[c.sector_id]
            c.default_opd = opds[c.default_opd_id]
            categories[c.pk] = c
        _state["tables"] = {
            "kecamatan": kecamatan,
            "sectors": sectors,
            "opds": opds,
            "desa": desa,
            "categories": categories,
        }
        _state["read_at"] = time.monotonic()
    return _state["tables"]


def forget():
    """Read the reference rows afresh on the next use (after they were edited)."""
    _state["tables"] = None


def attach(complaint, fields=tuple(COMPLAINT_FIELDS)):
    """Give the complaint its reference rows from the process's copy; return it."""
    tables = _tables()
    for field in fields:
        pk = getattr(complaint, f"{field}_id")
        if pk is not None:
            row = tables[COMPLAINT_FIELDS[field]].get(pk)
            if row is not None:  # a row added since the last read is fetched as usual
                setattr(complaint, field, row)
    return complaint


def active_categories_by_code():
    """{code: category} of the categories that take complaints."""
    tables = _tables()
    if "active_categories" not in tables:
        tables["active_categories"] = {
            c.code: c for c in tables["categories"].values() if c.is_active
        }
    return tables["active_categories"]


def desa_by_code():
    """{Kemendagri code: desa} of every desa/kelurahan."""
    tables = _tables()
    if "desa_by_code" not in tables:
        tables["desa_by_code"] = {d.code: d for d in tables["desa"].values()}
    return tables["desa_by_code"]
