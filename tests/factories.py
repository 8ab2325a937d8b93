"""Complaints in any state, reached through the real lifecycle functions."""

from accounts.roles import ANONYMOUS
from complaints import lifecycle
from opd.models import Category, Desa

STAGES = [
    "submitted",
    "dispatched",
    "in_progress",
    "info_requested",
    "resolved",
    "closed",
    "rejected",
    "merged",
]


def file(
    *,
    actor=ANONYMOUS,
    category="jalan_rusak",
    desa="51.03.01.1002",
    privacy="public",
    title="Jalan berlubang",
    description="Lubang besar di tengah jalan.",
    **extra,
):
    """File a complaint; return (complaint, access_key)."""
    return lifecycle.file_complaint(
        actor=actor,
        title=title,
        description=description,
        category=Category.objects.get(code=category) if category else None,
        desa=Desa.objects.select_related("kecamatan").get(code=desa) if desa else None,
        privacy=privacy,
        reporter_name=extra.pop("reporter_name", "Nyoman Pelapor"),
        reporter_email=extra.pop("reporter_email", "pelapor@example.org"),
        **extra,
    )


def complaint_in(stage, *, verifier, handler, opd, **filing):
    """A complaint moved to `stage` by real actions; returns (complaint, access_key)."""
    c, key = file(**filing)
    reporter = ANONYMOUS.with_access_key_for(c)
    if stage == "submitted":
        return c, key
    if stage == "rejected":
        lifecycle.reject(c, actor=verifier, reason="Spam")
        return _fresh(c), key
    if stage == "merged":
        other, _ = file(**filing)
        lifecycle.merge(c, actor=verifier, into=other)
        return _fresh(c), key
    lifecycle.dispatch(c, actor=verifier, opd=opd)
    if stage == "dispatched":
        return _fresh(c), key
    lifecycle.acknowledge(c, actor=handler)
    if stage == "in_progress":
        return _fresh(c), key
    if stage == "info_requested":
        lifecycle.request_info(c, actor=handler, message="Mohon foto lokasi.")
        return _fresh(c), key
    lifecycle.resolve(c, actor=handler, resolution="Sudah ditambal.")
    if stage == "resolved":
        return _fresh(c), key
    lifecycle.rate(c, actor=reporter, score=4)
    return _fresh(c), key


def _fresh(c):
    c.refresh_from_db()
    return c
