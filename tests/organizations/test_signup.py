import re
from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from organizations.models import Invitation, Membership, Organization, PendingSignup, User
from pages.forms.membership import SignupForm
from tests.factories import OrganizationFactory, UserFactory
from tests.pages import html_of, text_lines
from tests.worker import sent_mail, uses_worker

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Ada Lovelace",
    "email": "Ada@Example.com",
    "password": "analytical-engine-1843",
    "organization_name": "Difference Works",
    "slug": "",
    "is_public": "True",
}


def signup(client, **changes):
    return client.post(reverse("signup"), VALID | changes)


def link_in(message) -> str:
    return re.search(r"http://testserver(/signup/confirm/\S+/)", message.body).group(1)


def signup_and_confirm(client, **changes):
    """Sign up, then open the mailed link and press its button, as a new person does."""
    page = signup(client, **changes)
    assert "Check your email" in text_lines(page)
    return client.post(link_in(sent_mail()[-1]))


def test_signup_page_renders(client):
    response = client.get(reverse("signup"))
    assert response.status_code == 200
    assert 'name="organization_name"' in response.content.decode()


@uses_worker
def test_signup_mails_a_link_and_creates_nothing_before_it_is_opened(client):
    page = signup(client)
    assert page.status_code == 200
    assert "We sent a link to ada@example.com." in " ".join(text_lines(page))
    assert not User.objects.exists() and not Organization.objects.exists()
    (message,) = sent_mail()
    assert message.to == ["ada@example.com"]
    assert message.subject == "Finish creating Difference Works on Gruuv"
    assert "_auth_user_id" not in client.session
    link = link_in(message)
    confirm = client.get(link)  # a mail scanner's visit creates nothing
    assert "Finish creating Difference Works" in text_lines(confirm)
    assert not User.objects.exists()
    token = link.split("/")[-2]
    assert PendingSignup.objects.get().token_hash == Invitation.hash_token(token)
    assert PendingSignup.objects.get().password.startswith("md5$")  # only a hash is kept


@uses_worker
def test_signup_creates_account_organization_and_admin_membership(client):
    response = signup_and_confirm(client)
    assert response.status_code == 302
    assert response["Location"] == "/difference-works/"
    user = User.objects.get(email="ada@example.com")
    assert user.username == "ada"
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    assert user.is_staff and not user.is_superuser
    membership = Membership.objects.get(user=user)
    assert membership.level == Membership.Level.ADMIN
    assert membership.organization.name == "Difference Works"
    # Signed in already, and told how to sign in next time.
    page = html_of(client.get(response["Location"]))
    assert "Welcome to Gruuv!" in page
    assert "ada" in page


@uses_worker
def test_sign_up_asks_public_or_private(client):
    signup_and_confirm(client, is_public="False")
    organization = Organization.objects.get()
    assert not organization.is_public
    client.logout()
    assert client.get(f"/{organization.slug}/").status_code == 404


def test_a_signed_in_person_starts_another_organization_with_their_account(client, member):
    client.force_login(member.user)
    page = html_of(client.get(reverse("signup")))
    assert 'name="password"' not in page and 'name="email"' not in page
    response = client.post(
        reverse("signup"), {"organization_name": "Second Shop", "slug": "", "is_public": "True"}
    )
    assert response["Location"] == "/second-shop/"
    assert User.objects.count() == 1
    second = Membership.objects.get(organization__slug="second-shop")
    assert (second.user, second.level) == (member.user, Membership.Level.ADMIN)
    member.user.refresh_from_db()
    assert member.user.is_staff  # an admin now, of the organization they created


@uses_worker
def test_the_derived_address_can_be_edited(client):
    signup_and_confirm(client, slug="engines")
    assert Organization.objects.filter(slug="engines", name="Difference Works").exists()


@uses_worker
def test_usernames_stay_unique(client):
    UserFactory(username="ada", email="someone-else@example.com")
    signup_and_confirm(client)
    assert User.objects.get(email="ada@example.com").username == "ada-2"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": "admin"}, "slug", "“admin” is reserved"),
        ({"organization_name": "Signup"}, "slug", "“signup” is reserved"),
        ({"slug": "taken"}, "slug", "“taken” is taken"),
        (
            {"slug": "not a slug!"},
            "slug",
            "An address is up to 60 letters, digits, hyphens or underscores.",
        ),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"password": "short"}, "password", "too short"),
        ({"organization_name": ""}, "organization_name", "This field is required."),
        ({"organization_name": "!!!"}, "slug", "letters, digits and hyphens"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_saves_nothing(client, changes, field, message):
    OrganizationFactory(slug="taken")
    UserFactory(username="existing", email="existing@example.com")
    before = (User.objects.count(), Organization.objects.count(), Membership.objects.count())
    response = signup(client, **changes)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert (User.objects.count(), Organization.objects.count(), Membership.objects.count()) == (
        before
    )


def test_invalid_htmx_signup_answers_422(htmx):
    response = htmx.post(reverse("signup"), VALID | {"slug": "admin"})
    assert response.status_code == 422


def test_address_status_follows_the_typed_name(client):
    response = client.get(reverse("signup_address"), {"organization_name": "Acme Rockets"})
    assert "Leave blank for /acme-rockets/, or type your own." in text_lines(response)
    response = client.get(reverse("signup_address"), {"organization_name": "X", "slug": "mine"})
    assert "Your framework will live at /mine/." in text_lines(response)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ({"organization_name": "Taken Co"}, "“taken-co” is taken; choose another address."),
        ({"organization_name": "Admin"}, "“admin” is reserved by Gruuv; choose another address."),
        (
            {"organization_name": "X", "slug": "My Org!"},
            "An address is up to 60 letters, digits, hyphens or underscores.",
        ),
    ],
)
def test_address_status_and_the_form_refuse_an_address_alike(client, typed, problem):
    """One rule answers both: the status as you type and the form when you submit."""
    OrganizationFactory(slug="taken-co")
    status = client.get(reverse("signup_address"), typed)
    assert problem in text_lines(status)
    form = SignupForm(VALID | typed)
    assert not form.is_valid()
    assert form.errors["slug"] == [problem]


def test_sign_in_with_email_or_username(client):
    UserFactory(username="grace", email="grace@example.com")
    for login in ("grace", "GRACE@example.com"):
        response = client.post(
            reverse("login"), {"username": login, "password": "correct horse battery"}
        )
        assert response.status_code == 302, login
        client.logout()
    response = client.post(reverse("login"), {"username": "grace", "password": "wrong"})
    assert "do not match" in response.content.decode()


def test_sign_out_is_a_post(client):
    client.force_login(UserFactory())
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_person_in_two_organizations_can_switch_between_them(client):
    from tests.factories import MembershipFactory

    user = UserFactory()
    first = MembershipFactory(user=user, organization__name="Alpha", organization__slug="alpha")
    MembershipFactory(user=user, organization__name="Beta", organization__slug="beta")
    client.force_login(user)
    page = html_of(client.get(reverse("organization", args=[first.organization.slug])))
    assert "Switch organization" in page
    assert 'href="/beta/"' in page


def test_signup_page_needs_no_query(client, django_assert_num_queries):
    OrganizationFactory()
    with django_assert_num_queries(0):
        response = client.get(reverse("signup"))
    assert "Create my organization" in response.content.decode()


def test_the_database_refuses_a_second_account_with_an_email_in_any_case():
    UserFactory(username="twin-one", email="twins@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="twin-two", email="TWINS@example.com")
    UserFactory(username="no-email-one", email="")
    UserFactory(username="no-email-two", email="")  # accounts without an email are many


@uses_worker
def test_sign_up_with_an_email_that_has_an_account_answers_as_a_new_one_does(client):
    UserFactory(username="ada", email="ada@example.com")
    known = signup(client)
    mailed_to_known = sent_mail().pop()
    new = signup(client, email="new@example.com")
    assert sent_mail().pop().subject == "Finish creating Difference Works on Gruuv"
    assert known.status_code == new.status_code == 200
    assert text_lines(known) == [
        line.replace("new@example.com", "ada@example.com") for line in text_lines(new)
    ]
    assert mailed_to_known.to == ["ada@example.com"]
    assert mailed_to_known.subject == "Someone tried to sign up to Gruuv with your email"
    assert "http://testserver/accounts/password_reset/" in mailed_to_known.body
    assert "/signup/confirm/" not in mailed_to_known.body
    assert User.objects.count() == 1 and not Organization.objects.exists()
    assert PendingSignup.objects.get().email == "new@example.com"


@uses_worker
def test_a_sign_up_link_works_once(client):
    signup(client)
    link = link_in(sent_mail()[-1])
    assert client.post(link).status_code == 302
    client.logout()
    again = client.post(link)
    assert again.status_code == 404
    assert "This link is not valid, was used already, or has expired. Sign up again." in (
        text_lines(again)
    )
    assert User.objects.count() == 1


@uses_worker
def test_an_expired_link_creates_nothing(client):
    signup(client)
    link = link_in(sent_mail()[-1])
    with time_machine.travel(PendingSignup.LIFETIME + timedelta(minutes=1)):
        assert client.post(link).status_code == 404
    assert not User.objects.exists()


@uses_worker
def test_an_address_taken_before_the_link_is_opened_is_said_and_nothing_is_made(client):
    signup(client)
    OrganizationFactory(slug="difference-works")
    page = client.post(link_in(sent_mail()[-1]))
    assert "“difference-works” is taken; choose another address. Sign up again with another." in (
        text_lines(page)
    )
    assert not User.objects.exists()


@uses_worker
def test_the_newest_link_for_an_email_is_the_one_that_works(client):
    signup(client)
    first = link_in(sent_mail()[-1])
    signup(client, organization_name="Second Try")
    assert client.post(first).status_code == 404
    assert client.post(link_in(sent_mail()[-1])).status_code == 302
    assert Organization.objects.get().name == "Second Try"
