"""Which rows move which version: the one table that keeps kept pages fresh.

Pages keep rendered pieces under keys made of versions (`kit.fragments`): the release, the
versions below and what the request chose (its page, its filter). A change moves a version
after it is saved, in the change's transaction, so a piece rendered from old rows is stored
under an old key that nobody asks for again. There are these versions:

- ORGANIZATION, `Organization.people_version`: everything a kept piece shows about people,
  roles and the framework's names (people lists, Team, My team, roles, a person's chart and
  readiness, the names on an observation or a public ability page). Moved here, by one
  receiver built from `MOVES`, as the two below are.
- ABILITY, `AbilityCounts.version`: an ability's counted rows (its badges, its lists). Moved by
  `health.counts.recount` in the same statement that recounts them, which the counts' own
  receivers call for the models in `COUNTED`; a reply moves it here.
- PERSON, `Membership.evidence_version`: the evidence about a person (their page's
  observations and milestones). Moved here.
- CHECK_INS, `Organization.check_ins_version`: the organization's check-in lists (who is
  waiting on whom in a round, what is under way). Moved here: by a save of a check-in or a
  round, and by `checkins.signals.changed`, which the workflow sends after the steps it takes
  by UPDATE or bulk insert (handing in, finalizing, acknowledging, opening a round).
- CONTENT, `updated_at`: a row's own content version (an ability's description and ladder, an
  observation's text), moved by the row's save (`kit.content.ContentTracked`, `auto_now`).

Adding a model to a kept piece is one line here; `tests/freshness/test_table.py` renders every
kept piece and fails when it reads a table this module does not name.
"""

from dataclasses import dataclass

from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from abilities.models import Ability, AbilityCounts
from checkins import signals as check_in_signals
from checkins.models import CheckIn, Grounds, Round
from milestones.models import Achievement, Example, Milestone, Requirement
from observations.models import Conversation, Message, Observation
from organizations.models import Invitation, Membership, Organization, Role, User
from outbox.models import Message as OutgoingMail

ORGANIZATION, ABILITY, PERSON, CHECK_INS, CONTENT = (
    "organization", "ability", "person", "check-ins", "content"
)  # fmt: skip


@dataclass(frozen=True)
class Moves:
    version: str
    # From a row to what owns the version: an organization, an ability or a membership.
    path: str = ""
    # Only a save of one of these fields moves it (None: any save or delete).
    fields: frozenset[str] | None = None


# The rows whose change the one receiver below turns into a version's move.
MOVES: list[tuple[type[models.Model], Moves]] = [
    (Organization, Moves(ORGANIZATION, "pk")),
    # Signing in saves `last_login` only: not a name any page shows.
    (
        User,
        Moves(
            ORGANIZATION,
            "memberships__organization",
            frozenset({"username", "first_name", "last_name", "email"}),
        ),
    ),
    (Membership, Moves(ORGANIZATION, "organization")),
    (Membership.roles.through, Moves(ORGANIZATION, "membership__organization")),
    (Role, Moves(ORGANIZATION, "organization")),
    (Ability, Moves(ORGANIZATION, "organization")),  # a name on a person's chart
    (Milestone, Moves(ORGANIZATION, "ability__organization")),  # its miles count in journeys
    (Achievement, Moves(ORGANIZATION, "membership__organization")),
    (Requirement, Moves(ORGANIZATION, "role__organization")),
    # The evidence about a person: their page's observations and milestones.
    (Observation, Moves(PERSON, "subject")),
    (Achievement, Moves(PERSON, "membership")),
    # What an award rests on, listed beside it.
    (Grounds, Moves(PERSON, "achievement__membership")),
    # The check-in lists: a round's table, what is under way (and `check_in_signals.changed`).
    (CheckIn, Moves(CHECK_INS, "organization")),
    (Round, Moves(CHECK_INS, "organization")),
    # A reply moves its ability's conversations list (the counted rows move it in health.counts).
    (Message, Moves(ABILITY, "conversation__ability")),
]
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
    OutgoingMail: "the Team page's mail that could not be sent: rendered on every visit",
}


def versioned_models() -> set[type[models.Model]]:
    """Every model a kept piece may read: its changes move a version its key names."""
    return {model for model, _ in MOVES} | set(COUNTED) | set(CONTENT_VERSIONS)


def organization_version(organization: Organization) -> tuple[int, int]:
    """What a kept piece's key names of its organization: which one, and its version."""
    return organization.pk, organization.people_version


def check_ins_version(organization: Organization) -> tuple[int, int, int]:
    """What a kept check-in list's key names of its organization: which one, its version
    (names, who reports to whom, who has left) and its check-ins version."""
    return (*organization_version(organization), organization.check_ins_version)


def organization_changed(organization_ids) -> None:
    """Move the version of these organizations (ids, or a query of them)."""
    moved(ORGANIZATION, organization_ids)


VERSION_FIELDS = {
    ORGANIZATION: (Organization, "people_version"),
    ABILITY: (AbilityCounts, "version"),  # its primary key is the ability's
    PERSON: (Membership, "evidence_version"),
    CHECK_INS: (Organization, "check_ins_version"),
}


def moved(version: str, ids) -> None:
    """Move `version` of these owners (ids, or a query of them), in one UPDATE."""
    model, field = VERSION_FIELDS[version]
    model.objects.filter(pk__in=ids).update(**{field: F(field) + 1})


def _owners(model: type[models.Model], instance, path: str):
    """The ids of what owns the version, from a row along `path`: one step in Python (a
    foreign key), any further step in SQL."""
    if path == "pk":
        return [instance.pk]
    first, _, rest = path.partition("__")
    field = model._meta.get_field(first)
    if field.many_to_one and not rest:
        return [getattr(instance, field.attname)]
    if field.many_to_one:
        related = field.related_model.objects.filter(pk=getattr(instance, field.attname))
        return related.values(rest)
    return getattr(instance, first).values(rest)


def _moves_of(sender) -> list[Moves]:
    return [moves for model, moves in MOVES if model is sender]


def _remember_owners(sender, instance, raw=False, **kwargs) -> None:
    """Before an update: the owners a direct foreign key named, in case the update moves it
    (an observation given to another person moves both people's versions)."""
    instance._owners_before = {}
    if raw or instance._state.adding or instance.pk is None:
        return
    for moves in _moves_of(sender):
        if moves.path != "pk" and "__" not in moves.path:
            column = sender._meta.get_field(moves.path).attname
            before = sender.objects.filter(pk=instance.pk).values_list(column, flat=True).first()
            instance._owners_before[moves.version] = before


def _row_changed(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw:
        return  # loading fixtures: nothing is kept yet
    for moves in _moves_of(sender):
        shown = moves.fields is None or update_fields is None or moves.fields & set(update_fields)
        if not shown:
            continue  # a save of fields no page shows
        owners = _owners(sender, instance, moves.path)
        before = getattr(instance, "_owners_before", {}).get(moves.version)
        if before is not None and isinstance(owners, list) and before not in owners:
            owners = [*owners, before]
        moved(moves.version, owners)


def _check_ins_changed(sender, organization_id, **kwargs) -> None:
    moved(CHECK_INS, [organization_id])


def _roles_held_changed(sender, instance, action, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        # From either side: a membership's roles, or a role's holders.
        organization_changed([instance.organization_id])


def connect() -> None:
    """The one receiver, for every row of `MOVES`, and the workflow's own word."""
    check_in_signals.changed.connect(_check_ins_changed, dispatch_uid="fresh-check-ins")
    for model in {model for model, _ in MOVES}:
        if model is Membership.roles.through:
            m2m_changed.connect(_roles_held_changed, sender=model, dispatch_uid="fresh-roles-held")
            continue
        uid = f"fresh-{model._meta.label_lower}"
        pre_save.connect(_remember_owners, sender=model, dispatch_uid=f"{uid}-before")
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"{uid}-saved")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=f"{uid}-deleted")
