"""Who may see which complaint, and which of its parts: the one scoping place (SPEC §1, §3)."""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from accounts.models import Role
from accounts.roles import Actor
from opd import cached

from .models import Complaint, Privacy, Status

# Unverified, rejected and merged complaints stay out of public lists (not out of tracking).
PUBLIC_LIST_STATUSES = [
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.INFO_REQUESTED,
    Status.RESOLVED,
    Status.CLOSED,
]
SEE_ALL = {Role.VERIFIER, Role.LEADERSHIP, Role.SYSADMIN}


def public_complaints():
    """Complaints anybody may browse: not confidential, verified."""
    return Complaint.objects.filter(
        privacy__in=[Privacy.PUBLIC, Privacy.ANONYMOUS], status__in=PUBLIC_LIST_STATUSES
    )


def staff_scope(actor):
    """The Q of the complaints a member of staff works with, or None for no staff role."""
    if actor.has(*SEE_ALL):
        return Q()
    scope = None

    def add(q):
        nonlocal scope
        scope = q if scope is None else scope | q

    if actor.opd_ids:
        add(Q(current_opd_id__in=actor.opd_ids))
    if actor.user is not None and actor.has(Role.OPD_OFFICER, Role.OPD_HEAD, Role.CAMAT):
        add(Q(assignee_id=actor.user.pk))
    if actor.kecamatan_ids:
        # Camat offices follow their area, but a confidential complaint only when it is theirs.
        add(Q(kecamatan_id__in=actor.kecamatan_ids) & ~Q(privacy=Privacy.CONFIDENTIAL))
    return scope


def complaints_for(actor):
    """The complaints `actor` may list: their staff queue, or the public list."""
    scope = staff_scope(actor)
    if scope is None:
        return public_complaints()
    return Complaint.objects.filter(scope)


def own_complaints(actor):
    """Complaints filed by the logged-in user."""
    if actor.user is None:
        return Complaint.objects.none()
    return Complaint.objects.filter(reporter_id=actor.user.pk)


@dataclass(frozen=True)
class Access:
    """A complaint as one actor sees it: what they may read, decided once."""

    complaint: Complaint
    actor: Actor
    is_staff: bool  # the complaint is in the actor's staff scope

    @property
    def is_reporter(self):
        return self.actor.is_reporter_of(self.complaint)

    @property
    def can_see_reporter(self):
        """The reporter's name. Anonymous complaints: only the verifier desk (§3)."""
        if self.is_reporter:
            return True
        if self.complaint.privacy == Privacy.ANONYMOUS:
            return self.is_staff and self.actor.has(Role.VERIFIER)
        return self.complaint.privacy == Privacy.PUBLIC or self.is_staff

    @property
    def can_see_contact(self):
        """The reporter's e-mail and phone, to reach them."""
        if self.is_reporter:
            return True
        if self.complaint.privacy == Privacy.ANONYMOUS:
            return self.is_staff and self.actor.has(Role.VERIFIER)
        return self.is_staff

    @property
    def can_see_internal(self):
        """Internal notes, staff names and routing details."""
        return self.is_staff

    @property
    def can_see_private(self):
        """The full record: exact location and the reporter's own events."""
        return self.is_staff or self.is_reporter


def in_staff_scope(actor, complaint):
    scope = staff_scope(actor)
    return scope is not None and Complaint.objects.filter(scope, pk=complaint.pk).exists()


def get_complaint_for(actor, tracking_code, access_key=None, related=()):
    """The complaint with this code as `actor` may see it, or a 404.

    Staff in scope, the reporter (account or access key) and, for non-confidential
    complaints, anybody holding the tracking code may see it.
    """
    code = (tracking_code or "").strip().upper()
    # No joins and no ORDER BY: PostgreSQL plans a wide join in more time than it runs it, and
    # the reference rows (category, desa, OPD, ...) come from the process's copy.
    complaint = Complaint.objects.select_related(*related).filter(tracking_code=code).order_by()
    complaint = next(iter(complaint[:1]), None)
    if complaint is None:
        raise Http404
    cached.attach(complaint)
    if access_key and complaint.check_access_key(access_key):
        actor = actor.with_access_key_for(complaint)
    is_staff = in_staff_scope(actor, complaint)
    if is_staff or actor.is_reporter_of(complaint) or complaint.privacy != Privacy.CONFIDENTIAL:
        return Access(complaint=complaint, actor=actor, is_staff=is_staff)
    raise Http404
