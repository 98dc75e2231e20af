"""Every model that joins a person to a piece of the framework refuses a person of another
organization in `clean()`, which admin forms and inlines run, each error beside its field."""

import pytest
from django.core.exceptions import ValidationError

from milestones.models import Achievement
from observations.models import Conversation, Message
from tests.factories import (
    ConversationFactory,
    MembershipFactory,
    MilestoneFactory,
    ability_with_ladder,
)

pytestmark = pytest.mark.django_db

ELSEWHERE = "That belongs to another organization; choose one of this organization's."


@pytest.fixture
def servers(organization):
    return ability_with_ladder(organization=organization, name="Servers", slug="servers")


@pytest.fixture
def stranger(other_organization):
    return MembershipFactory(organization=other_organization)


def refused_fields(instance) -> dict:
    with pytest.raises(ValidationError) as refused:
        instance.clean()
    return refused.value.message_dict


def test_a_conversation_refuses_a_starter_from_another_organization(servers, member, stranger):
    assert refused_fields(Conversation(ability=servers, started_by=stranger, topic="T")) == {
        "started_by": [ELSEWHERE]
    }
    Conversation(ability=servers, started_by=member, topic="T").clean()  # one's own is fine


def test_a_message_refuses_an_author_from_another_organization(servers, member, stranger):
    conversation = ConversationFactory(ability=servers, started_by=member)
    assert refused_fields(Message(conversation=conversation, author=stranger, body="Hi")) == {
        "author": [ELSEWHERE]
    }
    Message(conversation=conversation, author=member, body="Hi").clean()


def test_an_achievement_refuses_a_holder_or_awarder_from_another_organization(
    servers, member, admin, stranger
):
    milestone = servers.milestones.get(level=2)
    # Checked from the holder's side: the milestone is not of their organization.
    assert refused_fields(Achievement(milestone=milestone, membership=stranger)) == {
        "milestone": [ELSEWHERE]
    }
    assert refused_fields(
        Achievement(milestone=milestone, membership=member, awarded_by=stranger)
    ) == {"awarded_by": [ELSEWHERE]}
    Achievement(milestone=milestone, membership=member, awarded_by=admin).clean()
    foreign = MilestoneFactory(ability__organization=stranger.organization)
    assert refused_fields(Achievement(milestone=foreign, membership=member)) == {
        "milestone": [ELSEWHERE]
    }
