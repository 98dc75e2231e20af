from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from freshness.table import organization_version
from kit.fragments import cached_html, fragment_key

register = template.Library()


@register.simple_tag(takes_context=True)
def observation_body(context, observation, show_ability=False) -> SafeString:
    """Who observed whom, when, at which level, and the story: the same for every reader, so
    kept rendered per version of what it shows (the observation's own, and the organization's
    for its people's and ability's names). Whether the reader may edit or delete it is not part
    of it."""
    organization = context["organization"]
    show_ability = bool(show_ability)
    key = None
    if observation.pk is not None:  # a preview of one not yet saved is rendered only
        key = fragment_key(
            "observation",
            observation.pk,
            observation.updated_at.isoformat(),
            *organization_version(organization),  # the people's and the ability's names
            show_ability,
        )
    body = {"observation": observation, "organization": organization, "show_ability": show_ability}
    return cached_html(key, lambda: render_to_string("observations/_observation_body.html", body))
