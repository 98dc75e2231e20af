"""Choosing a person among thousands: a text field with suggestions, resolved on the server.

With JavaScript, typing asks `people_search` for up to ten matches, shown as the input's
<datalist> (the browser's own combobox). Without it, the field is plain text: a username, an
email address or an exact full name finds the person, and anything else is a clear error.
"""

import re

from django import forms
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

from kit.forms import SearchWidget, only_match, typed
from organizations.access import members_only, organization_for_member
from organizations.models import Membership, Organization
from pages.rendering import render

SUGGESTIONS = 10
IN_BRACKETS = re.compile(r"\(([^()]+)\)\s*$")


def label(membership: Membership) -> str:
    """How a person reads in the field: "Grace Hopper (grace)", or just the username."""
    user = membership.user
    full_name = user.get_full_name()
    return f"{full_name} ({user.username})" if full_name else user.username


def matching(people: QuerySet, text: str) -> QuerySet:
    """People whose username, email or name contains every word of `text`."""
    for word in text.split():
        people = people.filter(
            Q(user__username__icontains=word)
            | Q(user__email__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
        )
    return people


class PersonField(forms.Field):
    """A person of `people` (active members of one organization), typed or suggested."""

    widget = SearchWidget
    default_error_messages = {
        "unknown": "No one at %(organization)s matches “%(text)s”. Type a username or an email.",
        "several": "Several people match “%(text)s”: type their username or email.",
    }

    def __init__(self, *, people: QuerySet | None = None, organization: Organization | None = None,
                 **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.people = people if people is not None else Membership.objects.none()
        self.organization = organization

    def for_organization(self, organization: Organization, people: QuerySet) -> None:
        self.organization, self.people = organization, people.select_related("user")
        self.widget.suggest_from(reverse("people_search", args=[organization.slug]))

    def prepare_value(self, value):
        if isinstance(value, int):  # a model form's initial value is the person's id
            value = self.people.filter(pk=value).first() or ""
        if isinstance(value, Membership):
            return label(value)
        return value

    def to_python(self, value) -> Membership | None:
        if isinstance(value, Membership) or value in self.empty_values:
            return value or None
        text = " ".join(str(value).split())
        bracketed = IN_BRACKETS.search(text)
        key = bracketed.group(1).strip() if bracketed else text
        found = list(
            self.people.filter(Q(user__username__iexact=key) | Q(user__email__iexact=key))[:2]
        )
        if not found:
            full_name = Concat("user__first_name", Value(" "), "user__last_name")
            found = list(
                self.people.annotate(full_name=full_name).filter(full_name__iexact=text)[:2]
            )
        return only_match(self, found, text, self.organization)


@members_only
def people_search(request: HttpRequest, org: str) -> TemplateResponse:
    """Up to ten active members matching what was typed, as <option>s for a person field."""
    organization, _ = organization_for_member(request, org)
    text = typed(request)
    people = []
    if text:
        people = matching(organization.memberships.active().select_related("user"), text).order_by(
            "user__first_name", "user__last_name", "user__username"
        )[:SUGGESTIONS]
    context = {"options": [label(person) for person in people]}
    return render(request, "forms/widgets/search.html#options", context)
