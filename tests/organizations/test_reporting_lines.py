"""Reporting lines stored as paths: whatever happens to the manager links, the stored line of
every membership is the one the links give, and both ways of reading a chain agree with them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from organizations.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def managers_by_links(membership_pk: int) -> list[int]:
    """The oracle: the chain above, walked one manager link at a time."""
    links = dict(Membership.objects.values_list("pk", "manager_id"))
    chain, pk = [], links[membership_pk]
    while pk is not None:
        chain.append(pk)
        pk = links[pk]
    return chain


def check_every_line(organization) -> None:
    people = list(organization.memberships.all())
    for person in people:
        above = managers_by_links(person.pk)
        assert person.line == "/" + "".join(f"{pk}/" for pk in reversed([person.pk, *above]))
        assert set(Membership.objects.chain_above(person).values_list("pk", flat=True)) == set(
            above
        )
        reports = {other.pk for other in people if person.pk in managers_by_links(other.pk)}
        assert set(Membership.objects.reports_of(person).values_list("pk", flat=True)) == reports
        heads = Membership.objects.filter(pk=person.pk)
        assert set(Membership.objects.reporting_to(heads).values_list("pk", flat=True)) == reports


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["join", "report to", "top", "leave", "delete"]),
            st.integers(min_value=0, max_value=20),
            st.integers(min_value=0, max_value=20),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_stored_lines_always_follow_the_manager_links(operations):
    with transaction.atomic():
        organization = OrganizationFactory()
        people = [MembershipFactory(organization=organization) for _ in range(3)]
        for operation, a, b in operations:
            active = [p for p in people if p.active]
            person = active[a % len(active)] if active else None
            if operation == "join":
                manager = active[b % len(active)] if active else None
                people.append(MembershipFactory(organization=organization, manager=manager))
            elif operation == "report to" and person:
                manager = active[b % len(active)]
                person.refresh_from_db()
                person.manager = manager
                try:
                    person.full_clean()  # no circles, not oneself
                except ValidationError:
                    continue
                person.save()
            elif operation == "top" and person:
                person.refresh_from_db()
                person.manager = None
                person.save()
            elif operation == "leave" and person and len(active) > 1:
                person.refresh_from_db()
                person.deactivate()
            elif operation == "delete" and person and len(active) > 1:
                person.refresh_from_db()
                person.delete()
                people.remove(person)
            for each in people:
                each.refresh_from_db()
            check_every_line(organization)
        transaction.set_rollback(True)


def test_rebuilding_gives_lines_to_what_a_bulk_load_linked(organization):
    top = MembershipFactory(organization=organization)
    middle, bottom = MembershipFactory.create_batch(2, organization=organization)
    middle.manager, bottom.manager = top, middle
    Membership.objects.bulk_update([middle, bottom], ["manager"])  # no save: lines are stale
    assert Membership.objects.rebuild_lines(organization) == 2
    for each in (top, middle, bottom):
        each.refresh_from_db()
    assert bottom.line == f"/{top.pk}/{middle.pk}/{bottom.pk}/"
    check_every_line(organization)
    assert Membership.objects.rebuild_lines(organization) == 0


def test_a_manager_s_own_report_cannot_become_their_manager(organization):
    top = MembershipFactory(organization=organization)
    below = MembershipFactory(organization=organization, manager=top)
    further = MembershipFactory(organization=organization, manager=below)
    top.manager = further
    with pytest.raises(ValidationError, match="round in a circle"):
        top.full_clean()


def test_a_deep_line_still_reads_in_one_query(organization, django_assert_num_queries):
    """No recursion: the deepest line is read like any other."""
    person = None
    for _ in range(30):
        person = MembershipFactory(organization=organization, manager=person)
    with django_assert_num_queries(1):
        assert len(list(Membership.objects.chain_above(person))) == 29


def test_deleting_a_manager_makes_their_reports_the_top_of_their_lines(organization):
    top = MembershipFactory(organization=organization)
    middle = MembershipFactory(organization=organization, manager=top)
    bottom = MembershipFactory(organization=organization, manager=middle)
    below = MembershipFactory(organization=organization, manager=bottom)
    middle.delete()
    bottom.refresh_from_db()
    below.refresh_from_db()
    assert bottom.manager is None
    assert (bottom.line, below.line) == (f"/{bottom.pk}/", f"/{bottom.pk}/{below.pk}/")
    assert not Membership.objects.reports_of(top).exists()
    check_every_line(organization)


def test_leaving_moves_the_whole_line_below_up_a_step(organization):
    top = MembershipFactory(organization=organization)
    middle = MembershipFactory(organization=organization, manager=top)
    bottom = MembershipFactory(organization=organization, manager=middle)
    below = MembershipFactory(organization=organization, manager=bottom)
    middle.deactivate()
    below.refresh_from_db()
    assert below.line == f"/{top.pk}/{bottom.pk}/{below.pk}/"
    check_every_line(organization)
