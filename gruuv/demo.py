"""The demo: Medium's "Servers" and Lessonly's "Infrastructure", exactly as the seed pages show."""

LESSONLY_STANDARD = (
    "I have observed this person showing a consistent, comfortable, continuous, and clear "
    "positive impact to {audience} when wielding this ability, and therefore I would put them in "
    "situations where they can {situation}"
)


def _lessonly(audience: str, situation: str) -> str:
    return LESSONLY_STANDARD.format(audience=audience, situation=situation)


ORGANIZATIONS = [
    {
        "name": "Medium",
        "slug": "medium",
        "uses_miles": True,
        "roles": [{"name": "Builder", "kind": "role"}],
        "abilities": [
            {
                "name": "Servers",
                "slug": "servers",
                # Reads "almost 5 years ago": 4 years and 10 months before the demo runs.
                "age_in_months": 58,
                "age_words": "almost 5 years",
                "summary": (
                    "Develops expertise in server side engineering, using technologies such as "
                    "Go, NodeJS, or Scala"
                ),
                "description": (
                    "Excellent clients are no use if they don’t have a fast and responsive server "
                    "to communicate with. We need engineers that can help build efficient "
                    "application services that respond quickly to requests, and provide clean "
                    "interfaces that can be accessed from multiple different clients."
                ),
                "requirements": [("Builder", 1, "required")],
                "milestones": [
                    {
                        "summary": (
                            "Works effectively within established server side frameworks, "
                            "following current best practices"
                        ),
                        "examples": [
                            (
                                "Adds NodeJS endpoints using layers architecture",
                                "Added IFTTT trigger for new bookmark to medium2",
                            ),
                            (
                                "Adds golang endpoints using Gotham architecture",
                                "Added delete audio route to Buggle",
                            ),
                            (
                                "Makes minor server changes to support client needs",
                                "Queried a Dynamo LSI appropriately",
                            ),
                        ],
                    },
                    {
                        "summary": (
                            "Develops new instances of existing architecture, or minor "
                            "improvements to existing architecture"
                        ),
                        "examples": [
                            (
                                "Assesses correctness and utility of existing code and avoids "
                                "blind copy-pasting",
                                "Identified need for new index on Dynamo",
                            ),
                            (
                                "Generalizes code when appropriate",
                                "Acted as caretaker for routes protos",
                            ),
                            (
                                "Determines data needs from product requirements",
                                "Updated Facebook API version and codebase dependencies",
                            ),
                        ],
                    },
                    {
                        "summary": (
                            "Designs standalone systems of moderate complexity, or major new "
                            "features in existing systems"
                        ),
                        "examples": [
                            (
                                "Acts as primary maintainer for existing critical systems",
                                "Implemented Google Auth login to Medium",
                            ),
                            (
                                "Integrates third party services effectively",
                                "Implemented payments integration with Stripe",
                            ),
                            (
                                "Writes playbooks for new service maintenance",
                                "Built Textshots server",
                            ),
                        ],
                    },
                    {
                        "summary": (
                            "Builds complex, reusable architectures that pioneer best practices "
                            "for other engineers, or multi-system services"
                        ),
                        "examples": [
                            (
                                "Delivers complex systems that achieve their goals",
                                "Designed Medium's ranked feed architecture",
                            ),
                            (
                                "Avoids subtle architectural mistakes when considering new systems",
                                "Designed custom domains architecture",
                            ),
                            (
                                "Makes appropriate buy vs build choices",
                                "Created Gotham framework for creating Go services",
                            ),
                        ],
                    },
                    {
                        "summary": (
                            "Is an industry-leading expert in server side engineering or sets "
                            "strategic server side direction for an eng team"
                        ),
                        "examples": [
                            (
                                "Designs transformational projects of significant complexity and "
                                "scope",
                                "Researched, vetted, and selected Go as Medium's statically typed "
                                "language",
                            ),
                            (
                                "Makes decisions that have positive, long term, wide ranging "
                                "consequences",
                                "Defined microservices architecture and medium2 migration plan",
                            ),
                            (
                                "Identifies and solves systemic problems with current architecture",
                                "Defined and implemented proprietary IP core to the company's "
                                "success",
                            ),
                        ],
                    },
                ],
            }
        ],
        "people": [
            ("medium-admin", "admin", []),
            ("medium-manager", "manager", []),
            ("medium-member", "member", ["Builder"]),
        ],
    },
    {
        "name": "Lessonly",
        "slug": "lessonly",
        "uses_miles": False,
        "roles": [
            {"name": "Back End Architect", "kind": "position"},
            {"name": "Dev Ops Enablement Lead", "kind": "role"},
            {"name": "Implementation Engineer", "kind": "position"},
            {"name": "Incident Remediation Lead", "kind": "role"},
            {"name": "On Call Application Engineer", "kind": "role"},
            {"name": "Tier 4 Escalation Engineer", "kind": "position"},
        ],
        "abilities": [
            {
                "name": "Infrastructure",
                "slug": "infrastructure",
                # Reads "about 5 years ago": 5 years and 1 month before the demo runs.
                "age_in_months": 61,
                "age_words": "about 5 years",
                "summary": (
                    "Develops expertise in the systems we use to build and deliver software, such "
                    "as development environments, deployment pipelines, and hosting "
                    "infrastructure."
                ),
                "description": "",
                "requirements": [
                    ("Back End Architect", 2, "required"),
                    ("Dev Ops Enablement Lead", 1, "required"),
                    ("Implementation Engineer", 1, "required"),
                    ("Incident Remediation Lead", 2, "recommended"),
                    ("On Call Application Engineer", 2, "required"),
                    ("Tier 4 Escalation Engineer", 3, "required"),
                ],
                "milestones": [
                    {
                        "description": _lessonly(
                            "a squad",
                            "employ this ability with only a small amount of guidance",
                        ),
                        "examples": [
                            (
                                "Makes minor version upgrades to underlying infrastructure "
                                "technologies.",
                                "",
                            ),
                        ],
                    },
                    {
                        "description": _lessonly(
                            "a squad",
                            "employ this ability, with no assistance as well as being a trusted "
                            "active or passive mentor to others",
                        ),
                        "examples": [
                            (
                                "Makes major version upgrades to underlying infrastructure "
                                "technologies.",
                                "",
                            ),
                            (
                                "Makes updates to existing infrastructure to meet new monitoring, "
                                "scalability, and performance needs.",
                                "",
                            ),
                            (
                                "Shares with the team newly discovered tools and tricks that "
                                "improves one’s own developer experience.",
                                "",
                            ),
                        ],
                    },
                    {
                        "description": _lessonly(
                            "multiple squads",
                            "employ this ability as well as being considered an expert within "
                            "this discipline",
                        ),
                        "examples": [
                            (
                                "Empowers colleagues by successfully and seamlessly spearheading "
                                "significant changes to developer environments (such as adding "
                                "Docker as an option, enabling offline development, or local TLS)",
                                "",
                            ),
                            (
                                "Designs and implements the infrastructure for major complex "
                                "systems from the ground up.",
                                "",
                            ),
                            ("Plans major infrastructure migrations with no downtime.", ""),
                        ],
                    },
                    {
                        "description": _lessonly(
                            "a squad",
                            "not only employ this ability but where they set the tone for this "
                            "at the company level",
                        ),
                        "examples": [
                            (
                                "You are seen as an expert in infrastructure to connect, mediate, "
                                "and manage interactions by the department and organization.",
                                "",
                            ),
                        ],
                    },
                    {
                        # The seed's fifth level words the standard text differently.
                        "description": (
                            "I have observed this person showing a consistent, comfortable, "
                            "continuous, and clear positive impact to not just internal teams but "
                            "the community/industry in general when wielding this ability, and "
                            "they are recognized by the community/industry as an expert"
                        ),
                        "examples": [
                            (
                                "You are seen as an expert in infrastructure to connect, mediate, "
                                "and manage interactions within the industry.",
                                "",
                            ),
                        ],
                    },
                ],
            }
        ],
        "people": [
            ("lessonly-admin", "admin", []),
            ("lessonly-member", "member", ["Implementation Engineer"]),
        ],
    },
]

DEMO_PASSWORD = "gruuv-demo"
