"""The benchmark's data: grown in bulk, with stored counts that match the rows."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from abilities.models import Ability, AbilityCounts
from checkins.models import CheckIn, CheckInItem
from health.counts import recomputed
from observations.models import Observation
from organizations.models import Membership

pytestmark = pytest.mark.django_db


def test_grow_demo_adds_what_it_says_and_recounts(organization):
    # `organization` is a Medium with nothing in it; grow it by 1 (a hundredth of the bench).
    out = StringIO()
    call_command("grow_demo", "--scale", "1", "--force", stdout=out)
    # 10,000 observations, and 10 more about bench-1 (the busy person; no Servers here)
    assert "10 abilities" in out.getvalue() and "10,010 observations" in out.getvalue()
    assert organization.abilities.filter(slug__startswith="bench-").count() == 10
    assert Membership.objects.filter(organization=organization).count() == 100
    assert Observation.objects.filter(organization=organization).count() == 10_010
    assert Observation.objects.filter(subject__user__username="bench-1").count() >= 10
    # Bulk inserts bypass the stored counts; the command rebuilt them.
    fresh = Ability.objects.annotate(**{f"n_{k}": v for k, v in recomputed().items()})
    for ability in fresh:
        counts = AbilityCounts.objects.get(ability=ability)
        assert (counts.roles, counts.observations, counts.achievers, counts.conversations) == (
            ability.n_roles, ability.n_observations, ability.n_achievers, ability.n_conversations,
        )  # fmt: skip
    assert sum(AbilityCounts.objects.values_list("observations", flat=True)) == 10_010
    # Reporting lines were given to the bulk-linked people too.
    assert Membership.objects.rebuild_lines(organization) == 0
    deepest = Membership.objects.get(user__username="bench-11")  # 11 → 10 → 0
    top, middle = (Membership.objects.get(user__username=f"bench-{n}") for n in (0, 10))
    assert deepest.line == f"/{top.pk}/{middle.pk}/{deepest.pk}/"
    # Check-ins: one finalized per person, a tenth under way (in a round), three abilities each.
    assert "110 check-ins" in out.getvalue()
    grown = CheckIn.objects.filter(organization=organization)
    assert grown.filter(finalized_at__isnull=False).values("person").distinct().count() == 100
    assert grown.filter(finalized_at__isnull=True, round__isnull=False).count() == 10
    assert CheckInItem.objects.filter(check_in__in=grown).count() == 330
    with pytest.raises(CommandError, match="grown already"):
        call_command("grow_demo", "--scale", "1", "--force")
