"""Choosing an ability among a thousand: a text field with suggestions, resolved on the server.

The observation and award forms use it. With JavaScript, typing asks `abilities_search` for up
to ten abilities whose name has every typed word; without it, the field is plain text and an
ability's exact name (any case) or its address finds it.
"""

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

from abilities.models import Ability
from kit.forms import SearchWidget, only_match, typed
from kit.numbers import whole_number
from organizations.access import organization_for_reader
from organizations.models import Organization
from pages.rendering import render

SUGGESTIONS = 10


def find(abilities: QuerySet, text: str) -> list[Ability]:
    """The abilities `text` names: by exact name, else by address, else (as a form without
    JavaScript or an old link sends) by id. Two at most: enough to tell "several"."""
    text = " ".join(str(text).split())
    if not text:
        return []
    found = list(abilities.filter(name__iexact=text)[:2]) or list(
        abilities.filter(slug__iexact=text)[:2]
    )
    if not found and (pk := whole_number(text)) is not None:
        found = list(abilities.filter(pk=pk))
    return found


class AbilityField(forms.Field):
    """An ability of one organization, typed or suggested."""

    widget = SearchWidget
    default_error_messages = {
        "unknown": "No ability at %(organization)s is called “%(text)s”. Pick one of the "
        "suggestions, or type its name.",
        "several": "Several abilities are called “%(text)s”: type the address of the one you "
        "mean (the last part of its page's address).",
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.abilities, self.organization = Ability.objects.none(), None

    def for_organization(self, organization: Organization) -> None:
        self.organization, self.abilities = organization, organization.abilities.all()
        self.widget.suggest_from(reverse("abilities_search", args=[organization.slug]))

    def prepare_value(self, value):
        if isinstance(value, int):  # a model form's initial value is the ability's id
            value = self.abilities.filter(pk=value).first() or ""
        return value.name if isinstance(value, Ability) else value

    def to_python(self, value) -> Ability | None:
        if isinstance(value, Ability) or value in self.empty_values:
            return value or None
        text = " ".join(str(value).split())
        return only_match(self, find(self.abilities, text), text, self.organization)


def abilities_search(request: HttpRequest, org: str) -> TemplateResponse:
    """Up to ten abilities whose name has every typed word, as <option>s for an ability field."""
    organization, _ = organization_for_reader(request, org)
    abilities = organization.abilities.all()
    text = typed(request)
    for word in text.split():
        abilities = abilities.filter(name__icontains=word)
    names = list(abilities.values_list("name", flat=True)[:SUGGESTIONS]) if text else []
    return render(request, "forms/widgets/search.html#options", {"options": names})
