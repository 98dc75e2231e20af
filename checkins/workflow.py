"""What happens to a check-in: opened, proposed on by each side, finalized, acknowledged.

Every step is one transaction that re-reads the check-in's state in its UPDATE's WHERE clause,
so two managers finalizing at once, or a double click, change it once: the loser is told it
already happened and nothing else changes.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from checkins import signals
from checkins.models import (
    MOST_ABILITIES,
    CheckIn,
    CheckInItem,
    Citation,
    Grounds,
    Round,
    Side,
    ladder_snapshot,
)
from milestones.models import Achievement, Milestone, Requirement
from milestones.progress import highest_milestones, level_held
from observations.models import Observation
from organizations.models import Membership


class Refused(Exception):
    """A step that cannot happen in the check-in's state: its message says why."""


@dataclass
class Proposal:
    """One side's proposal on one ability."""

    level: int | None
    note: str = ""
    cited: list[int] = field(default_factory=list)  # observation ids


def open_check_in(
    person: Membership, opened_by: Membership | None, abilities: Iterable, round=None
):
    """A check-in on `abilities` (in their order); refused while another is under way."""
    abilities = list(dict.fromkeys(abilities))
    if not abilities:
        raise Refused("Choose at least one ability.")
    if len(abilities) > MOST_ABILITIES:
        raise Refused(f"A check-in covers at most {MOST_ABILITIES} abilities.")
    try:
        with transaction.atomic():
            check_in = CheckIn.objects.create(
                organization_id=person.organization_id,
                person=person,
                opened_by=opened_by,
                round=round,
            )
            CheckInItem.objects.bulk_create(
                CheckInItem(check_in=check_in, ability=ability, position=number)
                for number, ability in enumerate(abilities)
            )
    except IntegrityError:
        raise Refused(f"{person.user} already has a check-in under way.") from None
    return check_in


def save_proposal(check_in: CheckIn, side: str, by: Membership, proposals: Mapping, submit: bool):
    """Save one side's proposals ({item id: Proposal}); `submit` hands them in, after which the
    side cannot change them and, once both have, each sees the other's."""
    submitted_field = "person_submitted_at" if side == Side.PERSON else "manager_submitted_at"
    with transaction.atomic():
        locked = (
            CheckIn.objects.select_for_update()
            .filter(pk=check_in.pk, finalized_at__isnull=True, person__active=True)
            .filter(**{f"{submitted_field}__isnull": True})
            .first()
        )
        if locked is None:
            raise Refused("These proposals were already handed in; they can no longer change.")
        items = {item.pk: item for item in check_in.items.all()}
        level_field, note_field = f"{side}_level", f"{side}_note"
        for item_id, proposal in proposals.items():
            item = items[item_id]
            setattr(item, level_field, proposal.level)
            setattr(item, note_field, proposal.note)
        CheckInItem.objects.bulk_update(items.values(), [level_field, note_field])
        Citation.objects.filter(item__check_in=check_in, side=side).delete()
        Citation.objects.bulk_create(
            Citation(item_id=item_id, side=side, observation_id=observation_id)
            for item_id, proposal in proposals.items()
            for observation_id in dict.fromkeys(proposal.cited)
        )
        if submit:
            changes = {submitted_field: timezone.now()}
            if side == Side.MANAGER:
                changes["manager_submitted_by"] = by
            CheckIn.objects.filter(pk=check_in.pk).update(**changes)
            _changed(check_in)


def finalize(check_in: CheckIn, by: Membership, agreed: Mapping[int, int]) -> list[Achievement]:
    """Agree a milestone per ability ({item id: level}), keep the ladder as it is now, and award
    each agreed milestone above what the person holds, resting on the check-in and the
    observations cited for it. Refused if it is not ready, or was finalized meanwhile."""
    person = check_in.person
    with transaction.atomic():
        won = CheckIn.objects.filter(
            pk=check_in.pk,
            finalized_at__isnull=True,
            person_submitted_at__isnull=False,
            manager_submitted_at__isnull=False,
            person__active=True,
        ).update(finalized_at=timezone.now(), finalized_by=by)
        if not won:
            raise Refused("This check-in was already finalized, or is not ready to be.")
        items = list(check_in.items.select_related("ability"))
        ladders: dict[int, dict[int, Milestone]] = {}
        for milestone in Milestone.objects.filter(ability__in=[i.ability_id for i in items]):
            ladders.setdefault(milestone.ability_id, {})[milestone.level] = milestone
        highest = highest_milestones(person.achievements.all())[person.pk]
        cited: dict[int, list[int]] = {}
        for item_id, observation_id in Citation.objects.filter(item__check_in=check_in).values_list(
            "item_id", "observation_id"
        ):
            cited.setdefault(item_id, []).append(observation_id)
        awarded = []
        for item in items:
            ladder = ladders.get(item.ability_id, {})
            item.agreed_level = agreed[item.pk]
            item.held_level = level_held(highest, item.ability_id)
            item.snapshot = ladder_snapshot(
                item.ability.name, {level: m.summary for level, m in ladder.items()}
            )
            if item.agreed_level > item.held_level:
                milestone = ladder.get(item.agreed_level)
                if milestone is None:
                    raise Refused(f"{item.ability.name} has no milestone {item.agreed_level}.")
                achievement, _ = Achievement.objects.get_or_create(
                    membership=person,
                    milestone=milestone,
                    defaults={"awarded_by": by, "note": "Agreed in a check-in."},
                )
                Grounds.objects.bulk_create(
                    [
                        Grounds(achievement=achievement, check_in=check_in),
                        *(
                            Grounds(achievement=achievement, observation_id=observation_id)
                            for observation_id in dict.fromkeys(cited.get(item.pk, []))
                        ),
                    ]
                )
                awarded.append(achievement)
        CheckInItem.objects.bulk_update(items, ["agreed_level", "held_level", "snapshot"])
        _changed(check_in)
    return awarded


def acknowledge(check_in: CheckIn, comment: str) -> None:
    """The person has read what was agreed, with an optional closing comment; once."""
    with transaction.atomic():
        done = CheckIn.objects.filter(
            pk=check_in.pk, finalized_at__isnull=False, acknowledged_at__isnull=True
        ).update(acknowledged_at=timezone.now(), closing_comment=comment)
        if not done:
            raise Refused("This check-in was already acknowledged.")
        _changed(check_in)


def _changed(check_in: CheckIn) -> None:
    signals.changed.send(CheckIn, organization_id=check_in.organization_id)


def award_from_observation(observation, by: Membership) -> Achievement:
    """Award the milestone an observation saw the person at, resting on it: one step."""
    milestone = Milestone.objects.filter(
        ability_id=observation.ability_id, level=observation.level
    ).first()
    if milestone is None:
        raise Refused(f"{observation.ability} has no milestone {observation.level}.")
    with transaction.atomic():
        achievement, created = Achievement.objects.get_or_create(
            membership_id=observation.subject_id,
            milestone=milestone,
            defaults={"awarded_by": by, "note": "Awarded from an observation."},
        )
        if not created:
            raise Refused(f"{observation.subject.user} already holds this milestone.")
        Grounds.objects.create(achievement=achievement, observation=observation)
    return achievement


def open_round(
    organization,
    opened_by,
    name: str,
    due_on,
    group: str,
    people,
    label: str,
    role=None,
    manager=None,
) -> tuple[Round, int, int]:
    """A round for `people` (a query of memberships): a check-in each, except for those with
    one under way already, whose open one joins the round if it has none. Returns the round,
    how many check-ins it opened and how many it joined. A round's check-in gets its abilities
    when it is first opened (`fill_items`): a round for ten thousand people writes ten thousand
    rows, not the quarter of a million their roles' requirements would make."""
    with transaction.atomic():
        round = Round.objects.create(
            organization=organization, name=name, due_on=due_on, group=group,
            group_label=label, role=role, manager=manager, opened_by=opened_by,
        )  # fmt: skip
        # Asked in SQL of the group's query, not of a list of ids: a round for ten thousand.
        under_way = CheckIn.objects.filter(person__in=people, finalized_at__isnull=True)
        joined = under_way.filter(round__isnull=True).update(round=round, due_on=due_on)
        fresh_people = people.exclude(pk__in=under_way.values("person"))
        fresh = list(fresh_people.only("pk"))
        now = timezone.now()
        created = CheckIn.objects.bulk_create(
            [
                CheckIn(organization=organization, person=person, opened_by=opened_by,
                        round=round, due_on=due_on, created_at=now)
                for person in fresh
            ],
            batch_size=1000,
        )  # fmt: skip
        # The round's own save moved the check-ins version in this transaction: the check-ins
        # inserted and joined with it need no move of their own.
    return round, len(created), joined


def fill_items(check_in: CheckIn) -> None:
    """Give a check-in opened by a round its abilities, once: those the person's roles require
    now, else the ones they hold or were observed on; at most `MOST_ABILITIES`."""
    with transaction.atomic():
        CheckIn.objects.select_for_update().filter(pk=check_in.pk).first()
        if check_in.items.exists():
            return
        person = check_in.person
        wanted = required_abilities([person]).get(person.pk, [])
        if not wanted:
            held = person.achievements.values_list("milestone__ability", flat=True)
            observed = Observation.objects.filter(subject=person).values_list("ability", flat=True)
            wanted = [*held.order_by()[:MOST_ABILITIES], *observed.order_by()[:MOST_ABILITIES]]
        CheckInItem.objects.bulk_create(
            CheckInItem(check_in=check_in, ability_id=ability_id, position=number)
            for number, ability_id in enumerate(list(dict.fromkeys(wanted))[:MOST_ABILITIES])
        )


def required_abilities(people) -> dict[int, list[int]]:
    """{membership id: the ability ids their roles require, by name}: one query, for a list of
    memberships or a query of them."""
    rows = (
        Requirement.objects.filter(role__holders__in=people)
        .values_list("role__holders", "ability_id")
        .order_by("role__holders", "ability__name", "ability_id")
        .distinct()
    )
    found: dict[int, list[int]] = {}
    for person_id, ability_id in rows:
        if ability_id not in found.setdefault(person_id, []):
            found[person_id].append(ability_id)
    return found
