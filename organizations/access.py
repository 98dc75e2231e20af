"""Who may do what in Gruuv: every permission rule, defined once.

Views find the organization and the visitor's membership through the helpers at the top, check
a rule with `require(may_…(…))`, and hand templates a `Permissions` as `may`, so a template asks
`may.record_observations` or `observation in may.change_observation`, never a level.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django_htmx.http import HttpResponseClientRedirect

from kit.compiled import Compiled
from organizations.models import Membership, Organization
from organizations.models.lines import is_above

# Finding the organization

# A signed-in visitor's active memberships with their organizations, by name: compiled once, as
# every signed-in visit reads them.
MEMBERSHIPS = Compiled(
    lambda username: (
        Membership.objects.active()
        .filter(user__username=username)
        .order_by("organization__name", "organization__pk")
    ),
    "username",
    related=["organization"],
)


def memberships_of(request: HttpRequest) -> list[Membership]:
    """The signed-in user's active memberships, with their organizations, by name: one query
    per request, which answers the page's "who is this to the organization" and fills the
    header's organization switcher. A person belongs to a handful of organizations."""
    if not request.user.is_authenticated:
        return []
    if "_memberships" not in request.__dict__:
        request._memberships = MEMBERSHIPS(request.user.username)
    return request._memberships


def membership_for(request: HttpRequest, organization: Organization) -> Membership | None:
    """The signed-in user's membership of `organization`, if they are an active member."""
    return next((m for m in memberships_of(request) if m.organization_id == organization.pk), None)


def organization_for_reader(
    request: HttpRequest, slug: str
) -> tuple[Organization, Membership | None]:
    """The organization, if the visitor may read it; a 404 otherwise, never a 403.

    A member's own organizations come with their memberships (`readable_by`'s "their own");
    any other is looked up as `readable_by` says.
    """
    for membership in memberships_of(request):
        if membership.organization.slug == slug:
            return membership.organization, membership
    organization = get_object_or_404(Organization.objects.readable_by(request.user), slug=slug)
    return organization, None


def organization_for_member(request: HttpRequest, slug: str) -> tuple[Organization, Membership]:
    """The organization, for its members only; everyone else gets a 404."""
    organization, membership = organization_for_reader(request, slug)
    if not may_read_members_pages(membership):
        raise Http404("Members only.")
    return organization, membership


def members_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send a visitor who is not signed in to sign in, then back; the view answers the rest.

    HTMX requests get a full-page redirect (HX-Redirect), back to the page they came from,
    rather than a sign-in form swapped into a corner of it.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.htmx:
            back = request.htmx.current_url_abs_path or "/"
            return HttpResponseClientRedirect(redirect_to_login(back).url)
        return redirect_to_login(request.get_full_path())

    return wrapped


def require(allowed: bool, reason: str) -> None:
    """A 403 with `reason` unless `allowed`: for members refused an action they can see."""
    if not allowed:
        raise PermissionDenied(reason)


# The rules


def may_read_members_pages(membership: Membership | None) -> bool:
    """People, conversations and role holders are for the organization's members."""
    return membership is not None


def may_administer(membership: Membership | None) -> bool:
    return membership is not None and membership.level == Membership.Level.ADMIN


def may_record_observations(membership: Membership | None) -> bool:
    """Managers and admins record observations, about anyone in the organization."""
    return membership is not None and membership.level in Membership.MANAGING


def may_record_observation_of(membership: Membership | None, person: Membership) -> bool:
    """Recording an observation of `person`: for managers and admins, of anyone but themselves."""
    return may_record_observations(membership) and membership != person


def may_see_my_team(membership: Membership | None) -> bool:
    """My team is a manager's page: their reports, each with a link to record an observation."""
    return may_record_observations(membership)


def may_award_milestones(membership: Membership | None, person: Membership) -> bool:
    """A person's managers (their management chain) and the admins award and revoke their
    milestones; nobody their own, and nobody a former member's."""
    if membership is None or membership == person or not person.active:
        return False
    return may_administer(membership) or is_managed_by(person, membership)


def is_managed_by(person: Membership, membership: Membership) -> bool:
    """Whether `membership` is in `person`'s management chain (`lines.is_above`)."""
    return is_above(membership, person)


def may_see_standing(membership: Membership | None, person: Membership) -> bool:
    """A person's standing (journey miles, milestones held, readiness for roles) is for
    themselves, their management chain and the admins; for every member where the organization
    opens journeys to all (`members_see_journeys`)."""
    if membership is None:
        return False
    return (
        membership.pk == person.pk
        or may_see_everyone_s_standing(membership)
        or is_managed_by(person, membership)
    )


def may_see_everyone_s_standing(membership: Membership | None) -> bool:
    """Whether `may_see_standing` is true of every member: an admin, or journeys open to all."""
    return membership is not None and (
        may_administer(membership) or membership.organization.members_see_journeys
    )


def may_read_check_ins_of(membership: Membership | None, person: Membership) -> bool:
    """A person's check-ins are for them, their management chain and the admins: nobody else,
    even where journeys are open to all (a 404 to them)."""
    if membership is None:
        return False
    return (
        membership.pk == person.pk
        or may_administer(membership)
        or is_managed_by(person, membership)
    )


def may_read_check_in(membership: Membership | None, check_in) -> bool:
    return may_read_check_ins_of(membership, check_in.person)


def check_in_side(membership: Membership | None, check_in) -> str | None:
    """Which side of a check-in a reader proposes on: "person" for its person, "manager" for
    their chain and the admins; None for a reader who may not, or a closed check-in."""
    if not may_read_check_in(membership, check_in) or not check_in.person.active:
        return None
    return "person" if membership.pk == check_in.person_id else "manager"


def may_open_check_in(membership: Membership | None, person: Membership) -> bool:
    """A person opens a check-in for themselves; their chain and the admins for them."""
    if membership is None or not person.active:
        return False
    return membership.pk == person.pk or may_award_milestones(membership, person)


def may_finalize_check_in(membership: Membership | None, check_in) -> bool:
    """The manager side finalizes (a manager in the chain, or an admin), never the person."""
    return check_in_side(membership, check_in) == "manager"


def may_open_rounds(membership: Membership | None) -> bool:
    """Admins open rounds for anyone; managers for their reports."""
    return may_record_observations(membership)


def may_consent_to_public(membership: Membership | None, observation) -> bool:
    """Only the person observed agrees to show a Public observation publicly, or withdraws."""
    return (
        membership is not None
        and membership.active
        and observation.subject_id == membership.pk
        and observation.privacy == observation.Privacy.PUBLIC_TO_WORLD
    )


def may_change_observation(membership: Membership | None, observation) -> bool:
    """Only the observer edits or deletes an observation."""
    return membership is not None and observation.observer_id == membership.pk


def may_edit_message(membership: Membership | None, message) -> bool:
    """Only the author edits a message, and not once it is deleted."""
    return (
        membership is not None and message.deleted_at is None and message.author_id == membership.pk
    )


def may_delete_message(membership: Membership | None, message) -> bool:
    """The author or an admin deletes a message (moderation), once."""
    return message.deleted_at is None and (
        may_edit_message(membership, message) or may_administer(membership)
    )


# The answers, for templates


class _Rule:
    """A rule about one object, asked in a template as `object in may.<rule>`."""

    def __init__(self, rule: Callable[..., bool], membership: Membership | None):
        self.rule, self.membership = rule, membership

    def __contains__(self, obj) -> bool:
        return self.rule(self.membership, obj)


class Permissions:
    """What one visitor may do in one organization, as templates read it (`may` in context)."""

    def __init__(self, membership: Membership | None):
        self.membership = membership
        self.read_members_pages = may_read_members_pages(membership)
        self.administer = may_administer(membership)
        self.record_observations = may_record_observations(membership)
        self.record_observation_of = _Rule(may_record_observation_of, membership)
        self.see_my_team = may_see_my_team(membership)
        self.award_milestones = _Rule(may_award_milestones, membership)
        self.see_standing_of = _Rule(may_see_standing, membership)
        self.change_observation = _Rule(may_change_observation, membership)
        self.consent_to_public = _Rule(may_consent_to_public, membership)
        self.read_check_ins_of = _Rule(may_read_check_ins_of, membership)
        self.edit_message = _Rule(may_edit_message, membership)
        self.delete_message = _Rule(may_delete_message, membership)
