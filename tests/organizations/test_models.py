import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from milestones.models import Achievement, Requirement
from observations.models import Conversation, Message
from organizations.models import Membership, Organization, Role, other_organization_errors
from tests.factories import (
    AbilityFactory,
    ConversationFactory,
    MembershipFactory,
    MilestoneFactory,
    OrganizationFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", ["admin", "accounts", "static", "signup", "api"])
def test_reserved_slug_refused_by_the_database(slug):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="Sneaky", slug=slug)


def test_reserved_slug_refused_by_validation_with_a_clear_message():
    organization = Organization(name="Sneaky", slug="admin")
    with pytest.raises(ValidationError) as error:
        organization.full_clean()
    assert "“admin” is reserved" in str(error.value.message_dict["slug"])


def test_organization_slug_unique():
    OrganizationFactory(slug="medium")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="Medium again", slug="medium")


def test_one_membership_per_user_and_organization():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(organization=membership.organization, user=membership.user)


def test_same_user_may_join_two_organizations():
    user = UserFactory()
    MembershipFactory(user=user)
    MembershipFactory(user=user)
    assert user.memberships.count() == 2


def test_unknown_membership_level_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(level="owner")


def test_role_slug_and_name_unique_per_organization():
    role = RoleFactory(name="Builder", slug="builder")
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(organization=role.organization, name="Other", slug="builder")
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(organization=role.organization, name="Builder", slug="other")
    # Another organization may have its own Builder.
    RoleFactory(name="Builder", slug="builder")


def test_role_plural_defaults_to_name_and_s():
    assert RoleFactory.build(name="Builder").plural == "Builders"
    assert RoleFactory.build(name="Person", plural_name="People").plural == "People"


def test_administered_by_lists_only_admin_memberships(organization, other_organization):
    admin = MembershipFactory(organization=organization, level=Membership.Level.ADMIN).user
    MembershipFactory(organization=other_organization, user=admin, level="manager")
    assert list(Organization.objects.administered_by(admin)) == [organization]


@pytest.mark.parametrize(
    ("build", "fields"),
    [
        (lambda: Requirement(role=RoleFactory(), ability=AbilityFactory(), level=1), {"ability"}),
        (
            lambda: Achievement(
                membership=MembershipFactory(),
                milestone=MilestoneFactory(),
                awarded_by=MembershipFactory(),
            ),
            {"milestone", "awarded_by"},
        ),
        (
            lambda: Conversation(
                ability=AbilityFactory(), started_by=MembershipFactory(), topic="x"
            ),
            {"started_by"},
        ),
        (
            lambda: Message(
                conversation=ConversationFactory(), author=MembershipFactory(), body="x"
            ),
            {"author"},
        ),
    ],
)
def test_every_model_refuses_neighbours_of_another_organization(build, fields):
    with pytest.raises(ValidationError) as error:
        build().full_clean()
    assert {
        field: messages for field, messages in error.value.message_dict.items() if field in fields
    } == {
        field: ["That belongs to another organization; choose one of this organization's."]
        for field in fields
    }


def test_neighbours_of_the_same_organization_pass(organization):
    role = RoleFactory(organization=organization)
    Requirement(role=role, ability=AbilityFactory(organization=organization), level=1).full_clean()
    assert other_organization_errors(Requirement(role=role), "role", "ability") == {}
