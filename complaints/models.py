"""A complaint, its append-only timeline and its photos (SPEC §3, §4)."""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting verification")
    DISPATCHED = "dispatched", _("Forwarded to the OPD")
    IN_PROGRESS = "in_progress", _("Being handled")
    INFO_REQUESTED = "info_requested", _("Awaiting information from the reporter")
    RESOLVED = "resolved", _("Handled")
    CLOSED = "closed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")


OPEN_STATUSES = {Status.SUBMITTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.INFO_REQUESTED}
FINAL_STATUSES = {Status.CLOSED, Status.REJECTED, Status.MERGED}
HANDLING_STATUSES = sorted(OPEN_STATUSES | {Status.RESOLVED})


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    ASPIRATION = "aspiration", _("Aspiration")
    INFORMATION = "information", _("Request for information")


class Privacy(models.TextChoices):
    PUBLIC = "public", _("Public")
    ANONYMOUS = "anonymous", _("Anonymous")
    CONFIDENTIAL = "confidential", _("Confidential")


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    API = "api", _("API")
    SOCIAL_MEDIA = "social_media", _("Social media")
    WHATSAPP = "whatsapp", _("WhatsApp")
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone")


class Language(models.TextChoices):
    INDONESIAN = "id", "Bahasa Indonesia"
    ENGLISH = "en", "English"


def digest_key(access_key):
    return hashlib.sha256(access_key.encode()).hexdigest()


class Complaint(models.Model):
    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COMPLAINT)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"))
    category = models.ForeignKey(
        "opd.Category", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("category")
    )
    sector = models.ForeignKey(
        "opd.Sector", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("sector")
    )
    desa = models.ForeignKey(
        "opd.Desa", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("desa")
    )
    kecamatan = models.ForeignKey(
        "opd.Kecamatan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("kecamatan"),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    address_detail = models.CharField(_("address detail"), max_length=300, blank=True)
    privacy = models.CharField(
        _("privacy"), max_length=12, choices=Privacy.choices, default=Privacy.PUBLIC
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    source_reference = models.CharField(_("source reference"), max_length=500, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("reporter account"),
    )
    reporter_name = models.CharField(_("reporter name"), max_length=120, blank=True)
    reporter_email = models.EmailField(_("reporter e-mail"), blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=20, blank=True)
    access_key_digest = models.CharField(max_length=64, editable=False)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.INDONESIAN
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    suggested_opd = models.ForeignKey(
        "opd.Opd",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("OPD suggested by routing"),
    )
    # The text router's guess (SPEC §6), kept so verifiers see it and corrections can be counted.
    suggested_category = models.ForeignKey(
        "opd.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category suggested from the text"),
    )
    suggestion_confidence = models.FloatField(_("suggestion confidence"), null=True, blank=True)
    # The staff member who took a walk-in or phone complaint for the citizen.
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints_taken",
        verbose_name=_("taken by"),
    )
    current_opd = models.ForeignKey(
        "opd.Opd",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("OPD"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_complaints",
        verbose_name=_("assignee"),
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_complaints"
    )
    created_at = models.DateTimeField(_("filed at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"))
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Set while waiting for the reporter: the deadlines' clock is paused (SPEC §4).
    paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    # When the verification clock started: filing, or the OPD's return to the desk.
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    # The next day on which a deadline step, auto-close or expiry is due (SPEC §5): the
    # periodic sweep reads only complaints whose day has come, through an index.
    next_check_on = models.DateField(_("next check on"), null=True, blank=True)
    verification_due = models.DateField(_("verification due"), null=True, blank=True)
    first_response_due = models.DateField(_("first response due"), null=True, blank=True)
    resolution_due = models.DateField(_("resolution due"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    supporters_count = models.PositiveIntegerField(_("supporters"), default=0)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["status", "created_at"], name="complaint_status_created"),
            models.Index(fields=["current_opd", "status"], name="complaint_opd_status"),
            models.Index(fields=["kecamatan", "status"], name="complaint_kecamatan_status"),
            models.Index(fields=["privacy", "status", "created_at"], name="complaint_public_list"),
            # Staff queues show what is still being handled: these stay small while the
            # closed history grows, so a scope with an OR (own OPD or assigned to me) stays cheap.
            *(
                models.Index(
                    fields=[field],
                    name=f"complaint_open_by_{name}",
                    condition=models.Q(status__in=HANDLING_STATUSES),
                )
                for field, name in [
                    ("current_opd", "opd"),
                    ("assignee", "assignee"),
                    ("kecamatan", "kecamatan"),
                ]
            ),
            models.Index(
                fields=["next_check_on"],
                name="complaint_next_check",
                condition=models.Q(next_check_on__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="complaint_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(escalation_level__lte=3), name="complaint_escalation_0_to_3"
            ),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.title}"

    def get_absolute_url(self):
        return reverse("complaints:detail", args=[self.tracking_code])

    def check_access_key(self, access_key):
        """Constant-time comparison of a presented access key with the stored digest (§3)."""
        if not access_key or not self.access_key_digest:
            return False
        return hmac.compare_digest(digest_key(access_key), self.access_key_digest)

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_public(self):
        return self.privacy != Privacy.CONFIDENTIAL


class Event(models.Model):
    """One entry of a complaint's append-only timeline."""

    class Action(models.TextChoices):
        FILED = "filed", _("Filed")
        DISPATCHED = "dispatched", _("Forwarded to an OPD")
        REJECTED = "rejected", _("Rejected")
        MERGED = "merged", _("Merged into another complaint")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the OPD")
        INFO_REQUESTED = "info_requested", _("Information requested")
        INFO_PROVIDED = "info_provided", _("Information provided by the reporter")
        RESPONDED = "responded", _("Response")
        NOTE = "note", _("Internal note")
        COMMENTED = "commented", _("Comment by the reporter")
        RESOLVED = "resolved", _("Resolved")
        RETURNED = "returned", _("Returned as wrongly routed")
        ASSIGNED = "assigned", _("Assigned")
        RATED = "rated", _("Rated by the reporter")
        REOPENED = "reopened", _("Reopened by the reporter")
        AUTO_CLOSED = "auto_closed", _("Closed automatically")
        EXPIRED = "expired", _("Closed: no answer from the reporter")
        PHOTO_ADDED = "photo_added", _("Photo added")

    class By(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        STAFF = "staff", _("Officer")
        SYSTEM = "system", _("System")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    by = models.CharField(_("by"), max_length=8, choices=By.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("staff member"), max_length=150, blank=True)
    opd = models.ForeignKey(
        "opd.Opd",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The OPD handling the complaint when this happened."),
    )
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    is_public = models.BooleanField(default=True)
    public_text = models.TextField(_("public text"), blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    created_at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="event_complaint_time")]

    def __str__(self):
        return f"{self.complaint_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"

    def summary(self):
        """The translated headline of this event, for timelines."""
        c = self.complaint
        if self.action == self.Action.DISPATCHED and self.opd_id:
            return _("Forwarded to %(opd)s") % {"opd": self.opd.name}
        if self.action == self.Action.ACKNOWLEDGED and self.opd_id:
            return _("%(opd)s is handling this complaint") % {"opd": self.opd.name}
        if self.action == self.Action.MERGED and c.merged_into_id:
            return _("Merged into complaint %(code)s, which reports the same problem") % {
                "code": c.merged_into.tracking_code
            }
        if self.action == self.Action.RATED and c.rating:
            return _("Rated %(score)s of 5 by the reporter") % {"score": c.rating}
        return self.get_action_display()


def attachment_path(instance, filename):
    # Random names (photos.prepare): a private complaint's photo is never at a guessable path.
    return f"attachments/{instance.complaint.created_at:%Y/%m}/{filename}"


class Attachment(models.Model):
    """A photo of a complaint (by the reporter) or of its resolution (by staff)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=5, editable=False)
    image = models.FileField(upload_to=attachment_path)
    thumbnail = models.FileField(upload_to=attachment_path, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_resolution = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.complaint_id} {self.token}"

    def get_absolute_url(self):
        """Served through a view that checks who may see the complaint, never straight."""
        return reverse("complaints:photo", args=[self.complaint.tracking_code, self.token, "full"])

    def thumbnail_url(self):
        return reverse("complaints:photo", args=[self.complaint.tracking_code, self.token, "thumb"])


class Supporter(models.Model):
    """One person's support (dukungan) of a complaint, counted once (SPEC §6)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="supporters")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # "user:<id>" for accounts, else a digest identifying the anonymous client.
    fingerprint = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "fingerprint"], name="supporter_once_per_person"
            )
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.fingerprint}"


class ResponseTemplate(models.Model):
    """A reusable answer for staff; placeholders such as {tracking_code} are filled in."""

    PLACEHOLDERS = ("tracking_code", "title", "category", "desa", "kecamatan", "opd")

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {tracking_code}, {title}, {category}, {desa}, {kecamatan}, {opd}."
        ),
    )
    opd = models.ForeignKey(
        "opd.Opd",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("OPD"),
        help_text=_("Empty: offered to every OPD."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")

    def __str__(self):
        return self.title

    def render(self, complaint):
        """The body with the complaint's facts in place of the known placeholders."""
        values = {
            "tracking_code": complaint.tracking_code,
            "title": complaint.title,
            "category": complaint.category.name if complaint.category else "",
            "desa": complaint.desa.name if complaint.desa else "",
            "kecamatan": complaint.kecamatan.name if complaint.kecamatan else "",
            "opd": complaint.current_opd.name if complaint.current_opd else "",
        }
        text = self.body
        for name, value in values.items():
            text = text.replace("{" + name + "}", value)
        return text


class Deadline(models.TextChoices):
    VERIFICATION = "verification", _("verification")
    FIRST_RESPONSE = "first_response", _("first response")
    RESOLUTION = "resolution", _("resolution")


class Step(models.TextChoices):
    REMINDER = "reminder", _("reminder (80 %)")
    LEVEL1 = "level1", _("level 1: overdue")
    LEVEL2 = "level2", _("level 2: two working days overdue")
    LEVEL3 = "level3", _("level 3: resolution deadline missed")


class Escalation(models.Model):
    """Ledger of deadline steps taken: one row per complaint, deadline, step and due date."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="escalations")
    deadline = models.CharField(max_length=16, choices=Deadline.choices)
    step = models.CharField(max_length=10, choices=Step.choices)
    due = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # The database, not luck, makes each step happen once (SPEC §5).
            models.UniqueConstraint(
                fields=["complaint", "deadline", "step", "due"], name="escalation_once"
            )
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.deadline} {self.step} {self.due}"


class Notification(models.Model):
    """Outbox row: written with the change that causes it, delivered later (SPEC §7)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS/WhatsApp")
        IN_APP = "in_app", _("in the portal")

    channel = models.CharField(max_length=8, choices=Channel.choices)
    kind = models.CharField(max_length=32)
    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    address = models.CharField(max_length=254, blank=True)  # e-mail address or phone number
    subject = models.CharField(max_length=200)
    body = models.TextField()
    body_html = models.TextField(blank=True)
    # The reporter's access key, for the one filing confirmation that carries it (SPEC §3):
    # put into the message when it is sent, then erased, so it never rests in the database.
    secret = models.CharField(max_length=64, blank=True)
    # Guards against a second notification for the same cause (digests, deadline steps).
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_try_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_try_at"],
                name="notification_due",
                condition=models.Q(sent_at__isnull=True),
            ),
            models.Index(fields=["user", "channel", "read_at"], name="notification_inbox"),
        ]

    def __str__(self):
        return f"{self.channel} {self.kind} → {self.address or self.user_id}"


class CategoryCorrection(models.Model):
    """Staff changed a complaint's category: a labelled example for the router (SPEC §6)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="category_corrections"
    )
    old_category = models.ForeignKey(
        "opd.Category", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    new_category = models.ForeignKey("opd.Category", on_delete=models.CASCADE, related_name="+")
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    def __str__(self):
        return f"{self.complaint_id}: {self.old_category_id} → {self.new_category_id}"


class RouterModel(models.Model):
    """A trained category router; the newest version is the one used (SPEC §6)."""

    version = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField()
    example_count = models.PositiveIntegerField()
    metrics = models.JSONField(default=dict, blank=True)
    blob = models.BinaryField()

    class Meta:
        ordering = ["-version"]

    def __str__(self):
        return f"router v{self.version}"


class IntakeSource(models.Model):
    """A social-media monitor or WhatsApp gateway allowed to post complaints (SPEC §8.2)."""

    name = models.SlugField(_("name"), max_length=50, unique=True)
    channel = models.CharField(
        _("channel"), max_length=12, choices=Channel.choices, default=Channel.SOCIAL_MEDIA
    )
    # Kept in clear: verifying an HMAC needs the secret itself.
    secret = models.CharField(_("secret"), max_length=64, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    def __str__(self):
        return self.name


class IntakeMessage(models.Model):
    """One source message turned into a complaint: the idempotency ledger of the webhook."""

    source = models.ForeignKey(IntakeSource, on_delete=models.PROTECT, related_name="messages")
    message_id = models.CharField(max_length=200)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "message_id"], name="intake_message_once_per_source"
            )
        ]

    def __str__(self):
        return f"{self.source_id}:{self.message_id}"


class Open311Client(models.Model):
    """An Open311 GeoReport v2 client allowed to POST requests; its api_key is stored hashed."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    api_key_digest = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    def __str__(self):
        return self.name


# Dashboard rollups (complaints/stats.py) ----------------------------------------------------
# A complaint with `closed_at` set is final (closed, rejected or merged) and never changes
# again, so its share of the dashboard figures is summed once into these tables, per filing
# month. The dashboards add the complaints still moving, counted live (stats.py explains).


def _rollup_fk(model):
    # Derived data: no database constraint, rebuilt from the complaints at any time.
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )


class StatsState(models.Model):
    """How far the dashboard rollups reach: one row."""

    # The rollups hold exactly the complaints whose closed_at is before this moment.
    built_until = models.DateTimeField(null=True)
    # The days off the working-day figures were counted with; a change rebuilds everything.
    calendar_key = models.CharField(max_length=64, blank=True)
    # Count and sum of ids of those complaints, to notice rows that arrived late or vanished.
    final_count = models.BigIntegerField(default=0)
    final_id_sum = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"stats built until {self.built_until}"


class StatsMonth(models.Model):
    """Final complaints filed in one month, counted per OPD, area, sector and privacy."""

    month = models.DateField()
    opd = _rollup_fk("opd.Opd")  # the OPD holding it; for `returned`, the OPD that returned it
    kecamatan = _rollup_fk("opd.Kecamatan")
    sector = _rollup_fk("opd.Sector")
    is_confidential = models.BooleanField()
    is_public = models.BooleanField()  # in the public list (access.public_complaints)
    received = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    verified_on_time = models.PositiveIntegerField(default=0)
    verification_missed = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    responded_24h = models.PositiveIntegerField(default=0)
    response_on_time = models.PositiveIntegerField(default=0)
    response_missed = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolution_on_time = models.PositiveIntegerField(default=0)
    resolution_missed = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    ever_resolved = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["month"], name="stats_month_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} opd={self.opd_id} kecamatan={self.kecamatan_id}"


class StatsDistribution(models.Model):
    """How many final complaints of a month took each time: first response (minutes, in
    steps) or resolution (working days); per OPD, per OPD and kecamatan (for camat offices),
    or per OPD and sector."""

    class Measure(models.TextChoices):
        RESPONSE = "response", "first response (minutes)"
        RESOLUTION = "resolution", "resolution (working days)"

    class Grain(models.TextChoices):
        OPD = "opd", "OPD"
        AREA = "area", "OPD and kecamatan"
        SECTOR = "sector", "sector"

    month = models.DateField()
    grain = models.CharField(max_length=6, choices=Grain.choices)
    measure = models.CharField(max_length=10, choices=Measure.choices)
    opd = _rollup_fk("opd.Opd")
    kecamatan = _rollup_fk("opd.Kecamatan")  # grain area
    sector = _rollup_fk("opd.Sector")  # grain sector
    is_confidential = models.BooleanField()
    is_public = models.BooleanField()
    value = models.IntegerField()
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["grain", "measure", "month"], name="stats_distribution_month")
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.measure} {self.value}: {self.n}"


class StatsCount(models.Model):
    """Final complaints counted by one more dimension: sector per week, desa, category or
    channel."""

    class Dimension(models.TextChoices):
        SECTOR_WEEK = "sector_week", "sector per week"
        DESA = "desa", "desa"
        CATEGORY = "category", "category"
        CHANNEL = "channel", "channel"

    month = models.DateField()
    start = models.DateField()  # the week's first day within the month (sector_week), or month
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    key = models.CharField(max_length=20)  # the sector, desa or category id, or the channel
    opd = _rollup_fk("opd.Opd")
    kecamatan = _rollup_fk("opd.Kecamatan")
    is_confidential = models.BooleanField()
    is_public = models.BooleanField()
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["dimension", "month"], name="stats_count_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.dimension}={self.key}: {self.n}"
