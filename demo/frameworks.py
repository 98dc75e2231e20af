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
        "story": True,  # STORY_* below
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

# A story for Medium beyond the seed pages, so a newcomer's demo has observations, achievements
# and a conversation to read. Only new abilities carry it: Servers stays exactly as its seed.
# (slug, name, summary, [(level, milestone summary, [(behaviour, example task)])])
STORY_ABILITIES = [
    (
        "incident-response",
        "Incident Response",
        "Keeps calm and restores service when production breaks, then makes sure it does not "
        "break the same way twice",
        [
            (1, "Joins an incident call, follows the runbook and reports what they see",
             [("Follows the runbook before paging anyone", "Freed disk space on search-3")]),
            (2, "Leads the response to a contained incident and writes its review",
             [("Runs the incident call and keeps its timeline", "Led the checkout outage")]),
            (3, "Leads incidents that span teams, keeping everyone informed while fixing", []),
            (4, "Shapes on-call and alerting so incidents are found early and fixed fast", []),
            (5, "Sets the organization's incident practice and is trusted with its worst days",
             []),
        ],
    ),
    (
        "mentoring",
        "Mentoring",
        "Helps others grow by sharing what they know, asking good questions and giving honest "
        "feedback",
        [
            (1, "Answers newer colleagues' questions patiently and points them to what helps",
             [("Answers questions in the team channel the same day", "")]),
            (2, "Pairs regularly with a colleague and gives specific, kind feedback",
             [("Pairs with a new hire through their first week", "Onboarded Priya")]),
            (3, "Mentors a colleague over months toward a goal they chose", []),
            (4, "Grows mentors: helps others become good at mentoring", []),
            (5, "Builds the organization's culture of learning", []),
        ],
    ),
]  # fmt: skip
# (ability, observer, subject, milestone or None, privacy, days ago, story)
STORY_OBSERVATIONS = [
    ("incident-response", "medium-manager", "medium-member", 2, "public_to_world", 3,
     "Led Tuesday's checkout outage from the first alert to the all-clear in 40 minutes, and "
     "posted the review the next morning."),
    ("incident-response", "medium-manager", "medium-member", 1, "public_to_company", 12,
     "Spotted the disk filling on the search cluster and followed the runbook before anyone "
     "was paged."),
    ("mentoring", "medium-manager", "medium-member", 2, "observed_and_managers", 6,
     "Paired with the new hire every afternoon of their first week; their first pull request "
     "merged on Friday."),
    ("mentoring", "medium-manager", "medium-member", None, "managers_only", 5,
     "Their feedback in the design review was sharp; next time, start with what worked."),
    ("incident-response", "medium-admin", "medium-manager", None, "observer_only", 2,
     "For our one-to-one: ask how the pager rota is holding up."),
]  # fmt: skip
# (ability, holder, milestone, awarded by, days ago)
STORY_ACHIEVEMENTS = [
    ("incident-response", "medium-member", 2, "medium-manager", 2),
    ("mentoring", "medium-member", 1, "medium-manager", 20),
]
# medium-member's check-ins: one finalized and acknowledged weeks ago, which agreed the Mentoring
# milestone above, and one they opened yesterday and handed in, waiting for their manager.
# Items: (ability, person's milestone, person's note, manager's milestone, manager's note,
# agreed milestone); observations cited (by the person) by their place in STORY_OBSERVATIONS.
STORY_CHECK_INS = [
    {
        "opened": 22, "person_in": 21, "manager_in": 21, "finalized": 20, "acknowledged": 19,
        "comment": "Agreed. Next time I want to talk about running a mentoring circle.",
        "items": [
            ("mentoring", 2, "I have met my mentee every week since the summer.",
             1, "A real start; milestone 2 asks for a second mentee and a written plan.", 1),
        ],
        "cited": {},
    },
    {
        "opened": 1, "person_in": 0,
        # opened in medium-manager's round for their reports, due in ten days
        "round": ("Autumn check-ins", 10),
        "items": [
            ("incident-response", 3, "I led the checkout outage end to end and wrote the "
             "postmortem.", None, "", None),
            ("mentoring", 2, "Two mentees now, each with a plan we wrote together.",
             None, "", None),
        ],
        "cited": {"incident-response": [0]},
    },
]  # fmt: skip
STORY_CONVERSATION = (
    "mentoring",
    "How often should a mentor and mentee meet?",
    [
        ("medium-member", "Weekly felt like too much for my mentee. Is every other week enough?"),
        ("medium-manager", "Every other week, with a short written check-in in between, has "
         "worked well on my team."),
    ],
)  # fmt: skip
