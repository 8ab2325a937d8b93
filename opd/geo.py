"""Is a point in Badung, and which desa is nearest to it."""

import math

from .models import Desa

# Bounding box of the regency's boundary (WGS 84), widened by about 1 km.
LAT_MIN, LAT_MAX = -8.86, -8.23
LON_MIN, LON_MAX = 115.07, 115.27
# No point of Badung lies farther than this from the nearest desa centroid.
MAX_KM_FROM_CENTROID = 6.0


def _km(lat1, lon1, lat2, lon2):
    dlat = math.radians(lat2 - lat1)
    dlon = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371.0 * math.hypot(dlat, dlon)


def nearest_desa(latitude, longitude):
    """The desa whose centroid is nearest, with the distance in km."""
    lat, lon = float(latitude), float(longitude)
    best = None
    for desa in Desa.objects.select_related("kecamatan"):
        d = _km(lat, lon, float(desa.latitude), float(desa.longitude))
        if best is None or d < best[1]:
            best = (desa, d)
    return best


def is_in_badung(latitude, longitude):
    lat, lon = float(latitude), float(longitude)
    if not (LAT_MIN <= lat <= LAT_MAX and LON_MIN <= lon <= LON_MAX):
        return False
    found = nearest_desa(lat, lon)
    return found is not None and found[1] <= MAX_KM_FROM_CENTROID
