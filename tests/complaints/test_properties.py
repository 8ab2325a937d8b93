"""Properties of the lifecycle under random use (hypothesis).

Random sequences of actions by random actors, with days passing in between, through the real
`complaints.lifecycle` functions: a complaint never reaches an illegal state, nothing happens
that `allowed_actions` did not allow, no event is ever lost or changed, and no deadline moves
backwards.
"""

import datetime
import itertools
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts.roles import ANONYMOUS, SYSTEM, actor_for
from complaints import lifecycle
from complaints.lifecycle import LifecycleError
from complaints.models import FINAL_STATUSES, Supporter
from complaints.models import Status as S
from opd.models import Opd
from tests.factories import file

pytestmark = pytest.mark.django_db

ACTORS = [
    "verifier",
    "officer",
    "officer2",
    "head",
    "other_officer",
    "camat",
    "leadership",
    "citizen",
    "anonymous",
    "reporter",
    "system",
]
ACTIONS = {
    # name: (MOVES key, or None when the function decides between two)
    "dispatch": "dispatch",
    "reject": "reject",
    "merge": "merge",
    "acknowledge": "acknowledge",
    "respond": "respond",
    "note": "note",
    "request_info": "request_info",
    "resolve": "resolve",
    "return": "return",
    "assign": "assign",
    "comment": None,  # comment, or provide_info while information is requested
    "rate": "rate",
    "reopen": "reopen",
    "auto_close": "auto_close",
    "expire_info_request": "expire_info_request",
    "support": None,  # not a move: no event, a count
}
# Allowed moves that may still be refused for a reason outside MOVES (with a clear error).
CONDITIONAL = {"reopen", "assign", "rate", "merge"}
STEPS = 20  # per complaint; hypothesis shrinks a failure to the steps that matter
ENDINGS = {"reject", "merge", "expire_info_request", "auto_close"}
DEADLINES = ("verification_due", "first_response_due", "resolution_due")
TEXTS = st.sampled_from(
    ["Sudah dicek di lokasi.", "Mohon kirim foto lubangnya.", "Sudah diperbaiki.", "", "   "]
)

PARAMS = st.fixed_dictionaries(
    {
        "text": TEXTS,
        "opd": st.sampled_from(["PUPR", "DLHK", "camat-office"]),
        "assignee": st.sampled_from(["officer2", "other_officer", "head"]),
        "score": st.sampled_from([1, 3, 4, 5, 0, 6, "x"]),
        "public": st.booleans(),
        "into": st.sampled_from(["other", "other", "self"]),
    }
)
# Each step: a move the actor may make now (so that scripts get far), any action by anyone
# (mostly refused), or days passing.
STEP_KINDS = st.sampled_from(["legal", "legal", "legal", "any", "wait"])


class Clock:
    """timezone.now() under the test's control: days pass between steps."""

    def __init__(self):
        self.now = timezone.now()

    def advance(self, days):
        self.now += datetime.timedelta(days=days, minutes=7)


@contextmanager
def clock():
    c = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: c.now):
        yield c


@pytest.fixture
def cast(
    verifier, officer, officer2_user, head, other_officer, camat, leadership, citizen_user, system
):
    return {
        "verifier": verifier,
        "officer": officer,
        "officer2": actor_for(officer2_user),
        "head": head,
        "other_officer": other_officer,
        "camat": camat,
        "leadership": leadership,
        "citizen": actor_for(citizen_user),
        "anonymous": ANONYMOUS,
        "system": system,
    }


def snapshot(c):
    c.refresh_from_db()
    events = [
        (e.pk, e.action, e.from_status, e.to_status, e.created_at, e.public_text, e.internal_note)
        for e in c.events.order_by("pk")
    ]
    return {
        "status": c.status,
        "events": events,
        "deadlines": {name: getattr(c, name) for name in DEADLINES},
        "supporters": c.supporters_count,
    }


def check_legal_state(c):
    """The fields agree with the status: no state the lifecycle could not have produced."""
    c.refresh_from_db()
    assert c.status in S.values
    handled = {S.DISPATCHED, S.IN_PROGRESS, S.INFO_REQUESTED, S.RESOLVED}
    if c.status in handled:
        assert c.current_opd_id is not None
        assert c.dispatched_at is not None
        assert c.first_response_due is not None
        assert c.resolution_due is not None
    if c.status == S.SUBMITTED:
        assert c.current_opd_id is None
        assert c.assignee_id is None
        assert c.verification_due is not None
    assert (c.paused_at is not None) == (c.status == S.INFO_REQUESTED)
    assert (c.closed_at is not None) == (c.status in FINAL_STATUSES)
    assert (c.merged_into_id is not None) == (c.status == S.MERGED)
    if c.status == S.RESOLVED:
        assert c.resolved_at is not None
    if c.rating is not None:
        assert 1 <= c.rating <= 5
        assert c.status == S.CLOSED
    assert 0 <= c.escalation_level <= 3
    assert c.supporters_count == Supporter.objects.filter(complaint=c).count()


def check_timeline(c, before, after):
    """Events are only ever appended, and each one continues the status chain."""
    assert after["events"][: len(before["events"])] == before["events"]
    chain = after["events"]
    assert chain[0][1] == "filed"
    for previous, entry in itertools.pairwise(chain):
        assert entry[2] == previous[3]  # from_status of one is to_status of the one before
    assert chain[-1][3] == after["status"]


def check_deadlines(latest, after):
    """Each due date, whenever set, is never earlier than the last one it had."""
    for name in DEADLINES:
        new = after["deadlines"][name]
        if new is None:
            continue
        if latest.get(name) is not None:
            assert new >= latest[name], f"{name} moved back from {latest[name]} to {new}"
        latest[name] = new


def perform(action, c, actor, p, cast, other):
    """Call the lifecycle function of `action`; return its MOVES key or None."""
    if action == "dispatch":
        opd = (
            Opd.objects.get(kecamatan__code="51.03.01")
            if p["opd"] == "camat-office"
            else Opd.objects.get(code=p["opd"])
        )
        lifecycle.dispatch(c, actor=actor, opd=opd, note=p["text"])
    elif action == "reject":
        lifecycle.reject(c, actor=actor, reason=p["text"])
    elif action == "merge":
        lifecycle.merge(c, actor=actor, into=other if p["into"] == "other" else c)
    elif action == "acknowledge":
        lifecycle.acknowledge(c, actor=actor)
    elif action == "respond":
        lifecycle.respond(c, actor=actor, message=p["text"], public=p["public"])
    elif action == "note":
        lifecycle.add_note(c, actor=actor, note=p["text"])
    elif action == "request_info":
        lifecycle.request_info(c, actor=actor, message=p["text"])
    elif action == "resolve":
        lifecycle.resolve(c, actor=actor, resolution=p["text"])
    elif action == "return":
        lifecycle.return_complaint(c, actor=actor, reason=p["text"])
    elif action == "assign":
        lifecycle.assign(c, actor=actor, assignee=cast[p["assignee"]].user)
    elif action == "comment":
        lifecycle.comment(c, actor=actor, message=p["text"])
    elif action == "rate":
        lifecycle.rate(c, actor=actor, score=p["score"], comment=p["text"])
    elif action == "reopen":
        lifecycle.reopen(c, actor=actor, reason=p["text"])
    elif action == "auto_close":
        lifecycle.auto_close(c, actor=actor)
    elif action == "expire_info_request":
        lifecycle.expire_info_request(c, actor=actor)
    elif action == "support":
        lifecycle.support(c, actor=actor, fingerprint=f"cookie:{p['text']!r}")


def move_of(action, status, p):
    if action == "comment":
        return "provide_info" if status == S.INFO_REQUESTED else "comment"
    if action == "respond" and not p["public"]:
        return "note"
    return ACTIONS[action]


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(privacy=st.sampled_from(["public", "anonymous", "confidential"]), data=st.data())
def test_random_use_never_breaks_the_lifecycle(cast, privacy, data):
    with clock() as now:
        c, _key = file(privacy=privacy)
        other, _ = file(title="Lubang lain di jalan yang sama")
        actors = {**cast, "reporter": ANONYMOUS.with_access_key_for(c), "system": SYSTEM}
        check_legal_state(c)
        latest = {}
        check_deadlines(latest, snapshot(c))
        for _step in range(STEPS):
            kind = data.draw(STEP_KINDS, label="kind")
            if kind == "wait":
                now.advance(data.draw(st.integers(min_value=0, max_value=16), label="days"))
                continue
            c.refresh_from_db()
            p = data.draw(PARAMS, label="params")
            # Actions first, then who: every possible move is as likely, however many may.
            choices = {}
            for who in ACTORS:
                for action in ACTIONS:
                    move = move_of(action, c.status, p)
                    if kind == "any" or move in lifecycle.allowed_actions(c, actors[who]):
                        choices.setdefault(action, []).append(who)
            if not choices:
                continue
            # Moves that end a complaint half as often, so that scripts reach the later ones.
            pool = sorted(choices) + [a for a in sorted(choices) if a not in ENDINGS]
            action = data.draw(st.sampled_from(pool), label="action")
            who = data.draw(st.sampled_from(choices[action]), label="actor")
            actor = actors[who]
            allowed = lifecycle.allowed_actions(c, actor)
            move = move_of(action, c.status, p)
            before = snapshot(c)
            try:
                with transaction.atomic():
                    perform(action, c, actor, p, cast, other)
            except LifecycleError:
                after = snapshot(c)
                assert after == before  # a refused action changes nothing
                text_missing = not p["text"].strip()
                if move is not None and move in allowed and move not in CONDITIONAL:
                    # Allowed, yet refused: only for missing text.
                    assert text_missing, f"{action} by {who} was allowed but refused"
                continue
            after = snapshot(c)
            if move is None:  # support: a count, never an event
                assert after["events"] == before["events"]
            else:
                assert move in allowed, f"{action} by {who} succeeded in {before['status']}"
                assert len(after["events"]) == len(before["events"]) + 1
            check_legal_state(c)
            check_timeline(c, before, after)
            check_deadlines(latest, after)
            event(f"{action} succeeded")
        event(f"ended {c.status}")
