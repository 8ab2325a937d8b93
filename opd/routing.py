"""Which OPD handles a complaint (SPEC §6)."""

from .models import RoutingRule


def opd_for(category, kecamatan=None):
    """The OPD named by the routing rules; a kecamatan-specific rule wins over the general one."""
    if category is None:
        return None
    rules = {
        rule.kecamatan_id: rule.opd
        for rule in RoutingRule.objects.filter(
            category=category, opd__is_active=True
        ).select_related("opd")
    }
    if kecamatan is not None and kecamatan.pk in rules:
        return rules[kecamatan.pk]
    default = category.default_opd if category.default_opd.is_active else None
    return rules.get(None, default)
