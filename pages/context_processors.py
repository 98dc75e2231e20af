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


# The header's sections: each one's own page, and the other pages inside it.
SECTIONS = {
    "abilities": (
        "organization",
        {"ability", "ability_history", "conversation", "observation_new"},
    ),
    "roles": ("roles", {"role"}),
    "people": ("people", {"person"}),
    "my_team": ("my_team", set()),
    "check_ins": (
        "check_ins",
        {"check_in", "check_in_new", "check_in_round", "check_in_round_new"},
    ),
    "team": ("team", {"member_edit", "member_deactivate", "organization_settings"}),
}
CURRENT = {own: {section: "page"} for section, (own, _) in SECTIONS.items()} | {
    name: {section: "true"} for section, (_, inside) in SECTIONS.items() for name in inside
}


def section(request) -> dict:
    """`aria_current`: the header's section for this page, "page" on its own page and "true"
    on a page inside it."""
    match = getattr(request, "resolver_match", None)
    return {"aria_current": CURRENT.get(match.url_name, {}) if match else {}}
