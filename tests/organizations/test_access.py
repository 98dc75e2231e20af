"""Every permission rule, answered for each persona: the one place views and templates ask."""

import pytest
from django.utils import timezone

from organizations import access
from organizations.access import Permissions
from tests.factories import ConversationFactory, MessageFactory, ObservationFactory

pytestmark = pytest.mark.django_db


def in_medium(request, who: str):
    """The persona's membership of Medium, as `membership_for` finds it: None for outsiders."""
    membership = request.getfixturevalue(who)
    return membership if membership and membership.organization.slug == "medium" else None


@pytest.mark.parametrize(
    ("who", "members_pages", "record", "administer"),
    [
        ("admin", True, True, True),
        ("manager", True, True, False),
        ("member", True, False, False),
        ("outsider", False, False, False),
        ("anonymous", False, False, False),
    ],
)
def test_organization_wide_rules(request, who, members_pages, record, administer):
    membership = in_medium(request, who)
    assert access.may_read_members_pages(membership) is members_pages
    assert access.may_record_observations(membership) is record
    assert access.may_administer(membership) is administer
    may = Permissions(membership)
    assert (may.read_members_pages, may.record_observations, may.administer) == (
        members_pages, record, administer,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", True),
        ("manager", True),
        ("member", False),
        ("subject", False),
        ("anonymous", False),
    ],
)
def test_managers_and_admins_award_others_not_themselves(request, subject, who, expected):
    membership = in_medium(request, who)
    assert access.may_award_milestones(membership, subject) is expected
    assert (subject in Permissions(membership).award_milestones) is expected
    if membership is not None:
        assert not access.may_award_milestones(membership, membership)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("manager", True), ("admin", False), ("subject", False), ("anonymous", False)],
)
def test_only_the_observer_changes_an_observation(request, manager, subject, who, expected):
    observation = ObservationFactory(
        organization=manager.organization, observer=manager, subject=subject
    )
    membership = in_medium(request, who)
    assert access.may_change_observation(membership, observation) is expected
    assert (observation in Permissions(membership).change_observation) is expected


@pytest.mark.parametrize(
    ("who", "edit", "delete"),
    [
        ("member", True, True),  # the author
        ("admin", False, True),  # moderation
        ("manager", False, False),
        ("subject", False, False),
        ("anonymous", False, False),
    ],
)
def test_authors_edit_their_messages_and_admins_delete_any(request, member, who, edit, delete):
    conversation = ConversationFactory(started_by=member, ability__organization=member.organization)
    message = MessageFactory(conversation=conversation, author=member)
    membership = in_medium(request, who)
    may = Permissions(membership)
    assert (access.may_edit_message(membership, message), message in may.edit_message) == (
        edit, edit,
    )  # fmt: skip
    assert (access.may_delete_message(membership, message), message in may.delete_message) == (
        delete, delete,
    )  # fmt: skip


def test_a_deleted_message_is_changed_by_no_one(member, admin):
    conversation = ConversationFactory(started_by=member, ability__organization=member.organization)
    message = MessageFactory(conversation=conversation, author=member)
    message.soft_delete()
    assert message.deleted_at <= timezone.now()
    for membership in (member, admin):
        assert not access.may_edit_message(membership, message)
        assert not access.may_delete_message(membership, message)
