"""Which OPD handles a complaint (SPEC §6)."""

import time

from . import cached
from .models import Opd, RoutingRule

# Every filing asks; the rules change a few times a year. Each process keeps them for a minute
# (the admin and load_reference forget them at once in their own process).
RULES_SECONDS = 60
_rules = {"table": None, "read_at": 0.0}


def _table():
    if _rules["table"] is None or time.monotonic() - _rules["read_at"] > RULES_SECONDS:
        active = {opd.pk: opd for opd in Opd.objects.filter(is_active=True)}
        rules = {
            (category_id, kecamatan_id): active[opd_id]
            for category_id, kecamatan_id, opd_id in RoutingRule.objects.values_list(
                "category_id", "kecamatan_id", "opd_id"
            )
            if opd_id in active
        }
        _rules["table"] = (rules, active)
        _rules["read_at"] = time.monotonic()
    return _rules["table"]


def forget_rules():
    """Read the rules and the other reference rows afresh (after they were edited)."""
    _rules["table"] = None
    cached.forget()


def opd_for(category, kecamatan=None):
    """The OPD named by the routing rules; a kecamatan-specific rule wins over the general one."""
    if category is None:
        return None
    rules, active = _table()
    if kecamatan is not None and (category.pk, kecamatan.pk) in rules:
        return rules[(category.pk, kecamatan.pk)]
    return rules.get((category.pk, None), active.get(category.default_opd_id))
