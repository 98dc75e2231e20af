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


# The header's sections, by the names of the pages in each.
SECTIONS = {
    "abilities": {"organization", "ability", "ability_history", "conversation", "observation_new"},
    "roles": {"roles", "role"},
    "people": {"people", "person"},
    "my_team": {"my_team"},
    "team": {"team", "member_edit", "member_deactivate", "organization_settings"},
}
SECTION_OF = {name: section for section, names in SECTIONS.items() for name in names}


def section(request) -> dict:
    """The header section the page belongs to, which the header marks as current."""
    match = getattr(request, "resolver_match", None)
    return {"section": SECTION_OF.get(match.url_name) if match else None}
