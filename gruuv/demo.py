"""The demo: Medium and Lessonly, with people to try Gruuv as.

Their frameworks are the sample files in docs/examples/, loaded through the framework importer
like any other file; this module holds only what a framework file does not say: each
organization's name and address, its people and their levels, and how old its abilities are.
"""

from django.conf import settings

EXAMPLES = settings.BASE_DIR / "docs" / "examples"

ORGANIZATIONS = [
    {
        "name": "Medium",
        "slug": "medium",
        "framework": EXAMPLES / "medium.yaml",
        # "Last updated" reads "almost 5 years ago": 4 years and 10 months before the demo runs.
        "age_in_months": {"servers": 58},
        # (username, level, roles, reports to)
        "people": [
            ("medium-admin", "admin", [], None),
            ("medium-manager", "manager", [], None),
            ("medium-member", "member", ["builder"], "medium-manager"),
        ],
    },
    {
        "name": "Lessonly",
        "slug": "lessonly",
        "framework": EXAMPLES / "lessonly.yaml",
        # "about 5 years ago": 5 years and 1 month before the demo runs.
        "age_in_months": {"infrastructure": 61},
        "people": [
            ("lessonly-admin", "admin", [], None),
            ("lessonly-member", "member", ["implementation-engineer"], None),
        ],
    },
]

DEMO_PASSWORD = "gruuv-demo"

# The sample frameworks a new organization may start from, in one click.
EXAMPLE_FRAMEWORKS = {spec["name"]: spec["framework"] for spec in ORGANIZATIONS}
