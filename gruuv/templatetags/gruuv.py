from django import template
from django.utils import timezone

from gruuv.timesince import distance_in_words

register = template.Library()


@register.filter
def ago(moment) -> str:
    """'3 days ago', worded like the health badges' ages."""
    if not moment:
        return ""
    return f"{distance_in_words(moment, timezone.now())} ago"
