"""Who may read an organization's pages: the one place views ask."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from organizations.models import Membership, Organization


def membership_for(request: HttpRequest, organization: Organization) -> Membership | None:
    """The signed-in user's membership of `organization`, looked up once per request."""
    cache = request.__dict__.setdefault("_memberships", {})
    if organization.pk not in cache:
        cache[organization.pk] = (
            Membership.objects.filter(organization=organization, user=request.user).first()
            if request.user.is_authenticated
            else None
        )
    return cache[organization.pk]


def organization_for_reader(
    request: HttpRequest, slug: str
) -> tuple[Organization, Membership | None]:
    """The organization, if the visitor may read it; a 404 otherwise, never a 403."""
    organization = get_object_or_404(Organization.objects.readable_by(request.user), slug=slug)
    return organization, membership_for(request, organization)


def organization_for_member(request: HttpRequest, slug: str) -> tuple[Organization, Membership]:
    """The organization, for its members only; everyone else gets a 404."""
    organization, membership = organization_for_reader(request, slug)
    if membership is None:
        raise Http404("Members only.")
    return organization, membership
