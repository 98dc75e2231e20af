"""Which rows move which version: the one table that keeps kept pages fresh.

Pages keep rendered pieces under keys made of versions (`kit.fragments`): the release, the
versions below and what the request chose (its page, its filter). A change moves a version
after it is saved, in the change's transaction, so a piece rendered from old rows is stored
under an old key that nobody asks for again. There are three versions:

- ORGANIZATION, `Organization.people_version`: everything a kept piece shows about people,
  roles and the framework's names (people lists, Team, My team, roles, a person's chart and
  readiness, the names on an observation or a public ability page). Moved here, by one
  receiver built from `MOVES`.
- ABILITY, `AbilityCounts.version`: an ability's counted rows (its badges). Moved by
  `health.counts.recount` in the same statement that recounts them, which the counts' own
  receivers call for the models in `COUNTED`.
- CONTENT, `updated_at`: a row's own content version (an ability's description and ladder, an
  observation's text), moved by the row's save (`kit.content.ContentTracked`, `auto_now`).

Adding a model to a kept piece is one line here; `tests/freshness/test_table.py` renders every
kept piece and fails when it reads a table this module does not name.
"""

from dataclasses import dataclass

from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from abilities.models import Ability, AbilityCounts
from milestones.models import Achievement, Example, Milestone, Requirement
from observations.models import Conversation, Message, Observation
from organizations.models import Invitation, Membership, Organization, Role, User

ORGANIZATION, ABILITY, CONTENT = "organization", "ability", "content"


@dataclass(frozen=True)
class Moves:
    version: str
    # From a row to the organization whose version it moves (ORGANIZATION only).
    organization: str = ""
    # Only a save of one of these fields moves it (None: any save or delete).
    fields: frozenset[str] | None = None


# The rows whose change moves the organization's version.
MOVES: dict[type[models.Model], Moves] = {
    Organization: Moves(ORGANIZATION, "pk"),
    # Signing in saves `last_login` only: not a name any page shows.
    User: Moves(
        ORGANIZATION,
        "memberships__organization",
        frozenset({"username", "first_name", "last_name", "email"}),
    ),
    Membership: Moves(ORGANIZATION, "organization"),
    Membership.roles.through: Moves(ORGANIZATION, "membership__organization"),
    Role: Moves(ORGANIZATION, "organization"),
    Ability: Moves(ORGANIZATION, "organization"),  # a name on a person's chart
    Milestone: Moves(ORGANIZATION, "ability__organization"),  # its miles count in journeys
    Achievement: Moves(ORGANIZATION, "membership__organization"),
    Requirement: Moves(ORGANIZATION, "role__organization"),
}
# The rows counted on an ability's badges, recounted (and the version moved) by health.counts.
COUNTED: dict[type[models.Model], Moves] = {
    model: Moves(ABILITY) for model in (Requirement, Observation, Conversation, Achievement)
}
# Rows that carry their own content version, which kept pieces name in their keys.
CONTENT_VERSIONS: dict[type[models.Model], Moves] = {
    Ability: Moves(CONTENT),
    Milestone: Moves(CONTENT),  # through its ability's `updated_at`
    Example: Moves(CONTENT),  # through its ability's `updated_at`
    Observation: Moves(CONTENT),
    AbilityCounts: Moves(ABILITY),  # the version itself
}


# Read by kept pages beside their kept pieces, never inside one: a change of them needs no
# version. (The test renders every kept page and holds the rest of what it reads to the table.)
NOT_KEPT: dict[type[models.Model], str] = {
    Session: "who is signed in, read by every signed-in request",
    Message: "the ability page's conversations list: rendered on every visit",
    Invitation: "the Team page's invitations: rendered on every visit",
}


def versioned_models() -> set[type[models.Model]]:
    """Every model a kept piece may read: its changes move a version its key names."""
    return set(MOVES) | set(COUNTED) | set(CONTENT_VERSIONS)


def organization_version(organization: Organization) -> tuple[int, int]:
    """What a kept piece's key names of its organization: which one, and its version."""
    return organization.pk, organization.people_version


def organization_changed(organization_ids) -> None:
    """Move the version of these organizations (ids, or a query of them)."""
    Organization.objects.filter(pk__in=organization_ids).update(
        people_version=F("people_version") + 1
    )


def _organizations_of(model: type[models.Model], instance, path: str):
    if path == "pk":
        return [instance.pk]
    if isinstance(instance, Membership.roles.through):
        return Membership.objects.filter(pk=instance.membership_id).values("organization")
    first, _, rest = path.partition("__")
    field = model._meta.get_field(first)
    if field.many_to_one and not rest:
        return [getattr(instance, field.attname)]
    # One step through a relation: the related rows' organizations, in SQL.
    if field.many_to_one:
        related = field.related_model.objects.filter(pk=getattr(instance, field.attname))
        return related.values(rest)
    return getattr(instance, first).values(rest)


def _row_changed(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    moves = MOVES[sender]
    if raw:
        return  # loading fixtures: nothing is kept yet
    if (
        moves.fields is not None
        and update_fields is not None
        and not moves.fields & set(update_fields)
    ):
        return  # a save of fields no page shows
    organization_changed(_organizations_of(sender, instance, moves.organization))


def _roles_held_changed(sender, instance, action, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        # From either side: a membership's roles, or a role's holders.
        organization_changed([instance.organization_id])


def connect() -> None:
    """The one receiver, for every row of `MOVES`."""
    for model in MOVES:
        if model is Membership.roles.through:
            m2m_changed.connect(_roles_held_changed, sender=model, dispatch_uid="fresh-roles-held")
            continue
        uid = f"fresh-{model._meta.label_lower}"
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"{uid}-saved")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=f"{uid}-deleted")
