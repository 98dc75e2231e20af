import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from observations.models import Observation
from tests.factories import (
    AbilityFactory,
    ConversationFactory,
    MembershipFactory,
    MessageFactory,
    ObservationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("level", [0, 6])
def test_observation_level_outside_1_to_5_refused_by_the_database(level):
    with pytest.raises(IntegrityError), transaction.atomic():
        ObservationFactory(level=level)


def test_observation_without_level_is_allowed():
    assert ObservationFactory(level=None).level is None


def test_unknown_privacy_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ObservationFactory(privacy="friends")


def test_empty_story_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ObservationFactory(story="")


def test_default_privacy_is_the_person_observed_and_managers():
    assert Observation().get_privacy_display() == "The person observed and managers"


def test_validation_refuses_future_dates_and_other_organizations():
    observation = ObservationFactory.build(
        organization=MembershipFactory().organization,
        observer=MembershipFactory(),
        subject=MembershipFactory(),
        ability=AbilityFactory(),
        observed_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        observation.full_clean()
    assert set(error.value.message_dict) == {"subject", "observer", "ability", "observed_on"}


def test_empty_topic_and_body_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ConversationFactory(topic="")
    with pytest.raises(IntegrityError), transaction.atomic():
        MessageFactory(body="")


def test_a_message_needs_text_unless_deleted():
    message = MessageFactory.build(conversation=ConversationFactory(), author=None, body="  ")
    with pytest.raises(ValidationError) as error:
        message.full_clean()
    assert "body" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        MessageFactory(body="", deleted_at=timezone.now())  # fine so far…
        MessageFactory(body="kept", deleted_at=timezone.now())  # …but a deleted one keeps no text
