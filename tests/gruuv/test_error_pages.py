"""Our own 403, 404, 500 and password-reset pages, in the product's look with a way back."""

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import UserFactory
from tests.pages import text_lines
from tests.worker import sent_mail, uses_worker

pytestmark = pytest.mark.django_db


def test_404_is_ours_with_a_way_home(client, organization):
    response = client.get("/medium/abilities/nothing-here/")
    assert response.status_code == 404
    lines = text_lines(response)
    assert "We can’t find that page" in lines
    assert 'href="/"' in response.content.decode()
    assert "Gruuv · growth frameworks for teams" in lines


def test_403_names_the_reason(client, member, organization):
    client.force_login(member.user)
    response = client.get(reverse("observation_new", args=[organization.slug]))
    assert response.status_code == 403
    assert "You can’t do that here" in text_lines(response)
    assert "Only managers and admins record observations." in text_lines(response)


def test_a_form_without_its_csrf_token_gets_our_page(member, organization):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("signup"), {})
    assert response.status_code == 403
    assert "That form had expired" in text_lines(response)


def test_500_is_ours_and_needs_no_request_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert 'href="/"' in page
    assert "/static/css/gruuv.css" in page


@uses_worker
def test_password_reset_carries_gruuvs_name_and_works(client):
    user = UserFactory(username="grace", email="grace@example.com")
    form = client.get(reverse("password_reset"))
    assert "Reset your password · Gruuv" in form.content.decode()
    assert "Django" not in form.content.decode()
    done = client.post(reverse("password_reset"), {"email": "grace@example.com"}, follow=True)
    assert "Check your email" in text_lines(done)
    assert len(sent_mail()) == 1
    assert sent_mail()[0].subject == "Choose a new Gruuv password"
    link = re.search(r"http://testserver(/accounts/reset/\S+)", sent_mail()[0].body).group(1)
    confirm = client.get(link, follow=True)
    assert "Choose a new password" in text_lines(confirm)
    new = "a much longer passphrase"
    complete = client.post(
        confirm.request["PATH_INFO"], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert "Your password is changed" in text_lines(complete)
    user.refresh_from_db()
    assert user.check_password(new)


def test_an_used_reset_link_says_so(client):
    response = client.get("/accounts/reset/MQ/set-password/", follow=True)
    assert "That link no longer works" in text_lines(response)


def test_the_sign_in_page_offers_a_reset(client, db):
    response = client.get(reverse("login"))
    assert reverse("password_reset") in response.content.decode()


def test_error_and_reset_pages_have_a_fixed_query_budget(client, member, django_assert_num_queries):
    # 1 the organization, looked for and not found
    with django_assert_num_queries(1):
        assert client.get("/nowhere/").status_code == 404
    with django_assert_num_queries(0):
        assert client.get(reverse("password_reset")).status_code == 200
    client.force_login(member.user)
    # 1 session, 2 user, 3 their memberships with organizations (the 403 page's header too)
    with django_assert_num_queries(3):
        assert client.get(reverse("observation_new", args=["medium"])).status_code == 403
