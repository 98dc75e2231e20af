from django import template
from django.utils import timezone

from kit.timesince import distance_in_words

register = template.Library()


@register.filter
def ago(moment) -> str:
    """'3 days ago', worded like the health badges' ages."""
    if not moment:
        return ""
    return f"{distance_in_words(moment, timezone.now())} ago"


@register.simple_tag(takes_context=True)
def page_url(context, page, number: int) -> str:
    """This address with page `number` of `page`'s list, keeping every other parameter: a page
    with two lists names each one's page differently (`page.param`, "page" by default)."""
    query = context["request"].GET.copy()
    query[getattr(page, "param", "page")] = number
    return f"?{query.urlencode()}"
