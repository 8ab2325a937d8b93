"""Reference data of SPEC §2: areas, agencies (OPD), sectors, categories, routing, holidays."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    """A name in Indonesian and English; `name` follows the active language."""

    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if (get_language() or "id").startswith("en") else self.name_id


class Kecamatan(models.Model):
    code = models.CharField(_("Kemendagri code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self):
        return self.name


class Desa(models.Model):
    class Kind(models.TextChoices):
        DESA = "desa", _("desa")
        KELURAHAN = "kelurahan", _("kelurahan")

    code = models.CharField(_("Kemendagri code"), max_length=13, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="desa_set", verbose_name=_("kecamatan")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)

    class Meta:
        ordering = ["kecamatan__code", "name"]
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = _("desa/kelurahan")

    def __str__(self):
        return f"{self.name} ({self.kecamatan.name})"


class Sector(BilingualName):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class Opd(models.Model):
    """A perangkat daerah (agency), a kecamatan office or a regional enterprise."""

    class Kind(models.TextChoices):
        SEKRETARIAT = "sekretariat", _("secretariat")
        INSPEKTORAT = "inspektorat", _("inspectorate")
        BADAN = "badan", _("agency (badan)")
        DINAS = "dinas", _("service (dinas)")
        SATPOL_PP = "satpol_pp", _("public order police")
        RSUD = "rsud", _("regional hospital")
        KECAMATAN = "kecamatan", _("kecamatan office")
        BUMD = "bumd", _("regional enterprise (BUMD)")

    code = models.CharField(_("code"), max_length=40, unique=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sectors = models.ManyToManyField(Sector, blank=True, verbose_name=_("sectors"))
    kecamatan = models.OneToOneField(
        Kecamatan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="office",
        verbose_name=_("kecamatan"),
        help_text=_("For a kecamatan office: the kecamatan it serves."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("OPD")
        verbose_name_plural = _("OPDs")

    def __str__(self):
        return self.abbreviation


class Category(BilingualName):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="categories", verbose_name=_("sector")
    )
    default_opd = models.ForeignKey(
        Opd, on_delete=models.PROTECT, related_name="+", verbose_name=_("default OPD")
    )
    target_working_days = models.PositiveSmallIntegerField(
        _("resolution target (working days)"), default=14
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sector__position", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_working_days__gte=1, target_working_days__lte=60),
                name="category_target_1_to_60",
            )
        ]


class RoutingRule(models.Model):
    """Category (and optionally kecamatan) to OPD; a kecamatan rule wins (SPEC §6)."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="rules", verbose_name=_("category")
    )
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("kecamatan"),
        help_text=_("Empty: the rule for the whole regency."),
    )
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, verbose_name=_("OPD"))

    class Meta:
        ordering = ["category__code", "kecamatan__code"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "kecamatan"], name="routing_rule_one_per_kecamatan"
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(kecamatan=None),
                name="routing_rule_one_general",
            ),
        ]

    def __str__(self):
        where = self.kecamatan.name if self.kecamatan_id else _("all of Badung")
        return f"{self.category.code} / {where} → {self.opd}"


class Holiday(models.Model):
    """An extra day off entered by the admin (Galungan, Kuningan leave, decrees)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("extra day off")
        verbose_name_plural = _("extra days off")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"
