from django.utils.functional import SimpleLazyObject

from organizations.models import Organization


def my_organizations(request) -> dict:
    """The signed-in user's organizations, for the header's switcher; queried only if shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_organizations": []}
    return {
        "my_organizations": SimpleLazyObject(
            lambda: list(Organization.objects.filter(memberships__user=user).order_by("name"))
        )
    }
