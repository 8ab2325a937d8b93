import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import RoleGrant, User
from accounts.roles import actor_for
from complaints.models import Complaint

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("role", "extra", "scope"),
    [
        ("verifier", [], None),
        ("opd_officer", ["--opd", "PUPR"], "PUPR"),
        ("opd_head", ["--opd", "DLHK"], "DLHK"),
        ("camat", ["--kecamatan", "51.03.05"], "51.03.05"),
        ("leadership", [], None),
        ("sysadmin", [], None),
    ],
)
def test_create_staff_gives_each_role(role, extra, scope):
    out = run(
        "create_staff",
        "--username",
        "u1",
        "--password",
        "pw-long-enough",
        "--role",
        role,
        "--email",
        "u1@example.org",
        *extra,
    )
    assert "Created u1" in out
    user = User.objects.get(username="u1")
    assert user.check_password("pw-long-enough")
    grant = RoleGrant.objects.get(user=user)
    assert grant.role == role
    assert (grant.opd.code if grant.opd else grant.kecamatan.code if grant.kecamatan else None) == (
        scope
    )
    assert actor_for(user).is_staff_member
    assert user.is_superuser == (role == "sysadmin")


def test_create_staff_is_idempotent_and_adds_roles():
    for _ in range(2):
        run("create_staff", "--username", "u2", "--password", "pw-1", "--role", "verifier")
    out = run(
        "create_staff",
        "--username",
        "u2",
        "--password",
        "pw-2",
        "--role",
        "opd_officer",
        "--opd",
        "PUPR",
    )
    assert "Updated u2" in out
    user = User.objects.get(username="u2")
    assert user.check_password("pw-2")
    assert sorted(RoleGrant.objects.filter(user=user).values_list("role", flat=True)) == [
        "opd_officer",
        "verifier",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "mayor"], "Unknown role mayor"),
        (["--role", "opd_officer"], "needs --opd"),
        (["--role", "opd_officer", "--opd", "NOPE"], "Unknown OPD code NOPE"),
        (["--role", "camat"], "needs --kecamatan"),
        (["--role", "camat", "--kecamatan", "51.03.99"], "Unknown kecamatan code 51.03.99"),
    ],
)
def test_create_staff_refuses_bad_arguments_clearly(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_staff", "--username", "u3", "--password", "pw", *args)
    assert not User.objects.filter(username="u3").exists()


def test_load_demo_prints_accounts_and_is_idempotent():
    out = run("load_demo")
    assert "badung-demo-2026" in out
    for username in (
        "verifikator",
        "petugas.pupr",
        "kepala.pupr",
        "camat.kuta",
        "pimpinan",
        "admin",
        "warga",
    ):
        assert username in out
        assert User.objects.filter(username=username).exists()
    complaints = Complaint.objects.count()
    assert complaints == 7
    assert set(Complaint.objects.values_list("status", flat=True)) >= {
        "submitted",
        "dispatched",
        "in_progress",
        "info_requested",
        "resolved",
        "closed",
    }
    run("load_demo")
    assert Complaint.objects.count() == complaints
    assert User.objects.filter(username="verifikator").count() == 1
