"""The privacy matrix's cast: who reads an observation of `subject`, by privacy level.

The subject reports to "manager", who reports to "manager's manager"; "other manager" manages
someone else; the observer is a manager outside the subject's chain; "former manager" managed
the subject's team once and has left; "outsider" is an admin of another organization.
"""

from observations.models import Observation
from organizations.models import Membership
from tests.factories import MembershipFactory, ObservationFactory

P = Observation.Privacy
VIEWERS = [
    "observer", "subject", "manager", "manager's manager", "other manager", "admin", "member",
    "former member", "outsider", "anonymous",
]  # fmt: skip
MEMBERS = {
    "observer",
    "subject",
    "manager",
    "manager's manager",
    "other manager",
    "admin",
    "member",
}
CHAIN = {"manager", "manager's manager", "admin"}
READERS = {
    P.OBSERVER_ONLY: {"observer"},
    P.OBSERVED_ONLY: {"observer", "subject"},
    P.MANAGERS_ONLY: {"observer"} | CHAIN,
    P.OBSERVED_AND_MANAGERS: {"observer", "subject"} | CHAIN,
    P.PUBLIC_TO_COMPANY: MEMBERS,
    P.PUBLIC_TO_WORLD: set(VIEWERS),
}
STORY = "Untangled the deploy pipeline under pressure"


def cast(organization, other_organization) -> dict[str, Membership | None]:
    L = Membership.Level
    grand = MembershipFactory(organization=organization, level=L.MANAGER)
    manager = MembershipFactory(organization=organization, level=L.MANAGER, manager=grand)
    other_manager = MembershipFactory(organization=organization, level=L.MANAGER)
    former = MembershipFactory(organization=organization, level=L.MANAGER)
    people = {
        "observer": MembershipFactory(organization=organization, level=L.MANAGER),
        "subject": MembershipFactory(organization=organization, manager=manager),
        "manager": manager,
        "manager's manager": grand,
        "other manager": other_manager,
        "admin": MembershipFactory(organization=organization, level=L.ADMIN),
        "member": MembershipFactory(
            organization=organization,
            manager=MembershipFactory(organization=organization, manager=other_manager),
        ),
        "former member": former,
        "outsider": MembershipFactory(organization=other_organization, level=L.ADMIN),
        "anonymous": None,
    }
    former.deactivate()
    return people


def record(people, ability, privacy) -> Observation:
    return ObservationFactory(
        organization=ability.organization,
        ability=ability,
        observer=people["observer"],
        subject=people["subject"],
        privacy=privacy,
        story=STORY,
    )
