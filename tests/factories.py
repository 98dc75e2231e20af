"""factory-boy factories for every model; related objects share one organization."""

import datetime

import factory
from django.utils import timezone

from abilities.models import Ability
from milestones.models import Achievement, Example, Milestone, Requirement
from observations.models import Conversation, Message, Observation
from organizations.models import Membership, Organization, Role, User

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    uses_miles = True


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Engineer {n}")
    slug = factory.Sequence(lambda n: f"engineer-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    level = Membership.Level.MEMBER


class AbilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ability

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Ability {n}")
    slug = factory.Sequence(lambda n: f"ability-{n}")
    summary = "Develops expertise in something that matters"
    description = "Why it matters."


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    ability = factory.SubFactory(AbilityFactory)
    level = 1
    summary = factory.LazyAttribute(lambda m: f"Summary of milestone {m.level}")


class ExampleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Example

    milestone = factory.SubFactory(MilestoneFactory)
    behaviour = factory.Sequence(lambda n: f"Does thing {n}")
    example_task = factory.Sequence(lambda n: f"Did task {n}")
    position = factory.Sequence(lambda n: n)


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    ability = factory.SubFactory(AbilityFactory)
    role = factory.SubFactory(
        RoleFactory, organization=factory.SelfAttribute("..ability.organization")
    )
    level = 2
    strength = Requirement.Strength.REQUIRED


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Achievement

    milestone = factory.SubFactory(MilestoneFactory)
    membership = factory.SubFactory(
        MembershipFactory, organization=factory.SelfAttribute("..milestone.ability.organization")
    )
    awarded_on = factory.LazyFunction(timezone.localdate)


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    organization = factory.SubFactory(OrganizationFactory)
    ability = factory.SubFactory(
        AbilityFactory, organization=factory.SelfAttribute("..organization")
    )
    observer = factory.SubFactory(
        MembershipFactory,
        organization=factory.SelfAttribute("..organization"),
        level=Membership.Level.MANAGER,
    )
    subject = factory.SubFactory(
        MembershipFactory, organization=factory.SelfAttribute("..organization")
    )
    level = 2
    story = "Took the lead when the queue backed up."
    observed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    privacy = Observation.Privacy.OBSERVED_AND_MANAGERS
    # A Public one as the person observed agreed to it; tests of consent set None.
    publicly_recognized_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.privacy == Observation.Privacy.PUBLIC_TO_WORLD else None
    )


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    ability = factory.SubFactory(AbilityFactory)
    started_by = factory.SubFactory(
        MembershipFactory, organization=factory.SelfAttribute("..ability.organization")
    )
    topic = factory.Sequence(lambda n: f"Topic {n}")


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    author = factory.SubFactory(
        MembershipFactory,
        organization=factory.SelfAttribute("..conversation.ability.organization"),
    )
    body = "I think so too."


def ability_with_ladder(**kwargs) -> Ability:
    """An ability with its five milestones."""
    ability = AbilityFactory(**kwargs)
    for level in range(1, 6):
        MilestoneFactory(ability=ability, level=level)
    return ability
