from django.utils.functional import SimpleLazyObject

from organizations.access import memberships_of


def my_organizations(request) -> dict:
    """The signed-in user's organizations, for the header's switcher: from the memberships the
    page's permission checks read (one query for both), and only if shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_organizations": []}
    return {
        "my_organizations": SimpleLazyObject(
            lambda: [membership.organization for membership in memberships_of(request)]
        )
    }
