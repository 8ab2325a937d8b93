"""Who is acting: one `Actor` per request, built once from the user's role grants."""

from dataclasses import dataclass, field, replace

from .models import OPD_ROLES, Role


@dataclass(frozen=True)
class Actor:
    user: object = None
    roles: frozenset = frozenset()
    opd_ids: frozenset = frozenset()  # OPDs whose queue the actor works: officer, head, camat
    head_of_opd_ids: frozenset = frozenset()
    kecamatan_ids: frozenset = frozenset()  # camat offices: the area they follow
    reporter_of: frozenset = frozenset()  # complaints whose access key the actor presented
    is_system: bool = False
    label: str = field(default="", compare=False)

    @property
    def is_authenticated(self):
        return self.user is not None

    @property
    def is_staff_member(self):
        return bool(self.roles)

    def has(self, *roles):
        return bool(self.roles & set(roles))

    def works_for(self, opd_id):
        return opd_id is not None and opd_id in self.opd_ids

    def is_reporter_of(self, complaint):
        if complaint.pk in self.reporter_of:
            return True
        return self.user is not None and complaint.reporter_id == self.user.pk

    def with_access_key_for(self, complaint):
        """This actor, also the reporter of `complaint` (the caller checked the key)."""
        return replace(self, reporter_of=self.reporter_of | {complaint.pk})


ANONYMOUS = Actor()
SYSTEM = Actor(is_system=True, label="system")


def actor_for(user):
    """The Actor for a Django user (anonymous users give the anonymous actor)."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_portal_actor", None)
    if cached is not None:
        return cached
    roles, opd_ids, head_ids, kecamatan_ids = set(), set(), set(), set()
    for grant in user.role_grants.select_related("kecamatan__office"):
        roles.add(Role(grant.role))
        if grant.role in OPD_ROLES:
            opd_ids.add(grant.opd_id)
            if grant.role == Role.OPD_HEAD:
                head_ids.add(grant.opd_id)
        if grant.role == Role.CAMAT:
            kecamatan_ids.add(grant.kecamatan_id)
            office = getattr(grant.kecamatan, "office", None)
            if office is not None:
                # The camat office is also an OPD: it handles complaints routed to it.
                opd_ids.add(office.pk)
    if user.is_superuser:
        roles.add(Role.SYSADMIN)
    actor = Actor(
        user=user,
        roles=frozenset(roles),
        opd_ids=frozenset(opd_ids),
        head_of_opd_ids=frozenset(head_ids),
        kecamatan_ids=frozenset(kecamatan_ids),
        label=user.display_name(),
    )
    user._portal_actor = actor
    return actor
