"""The people side of the domain, one module per seam: people (accounts, organizations, roles,
memberships), reporting lines, invitations and pending sign-ups."""

from organizations.models.invitations import Invitation
from organizations.models.lines import line_ids
from organizations.models.people import (
    ADDRESS_FORMAT,
    RESERVED_SLUGS,
    Membership,
    MembershipQuerySet,
    Organization,
    OrganizationQuerySet,
    Role,
    User,
    organization_id_of,
    other_organization_errors,
    validate_not_reserved,
    validate_single_line,
)
from organizations.models.signups import PendingSignup, unique_username

__all__ = [
    "ADDRESS_FORMAT",
    "RESERVED_SLUGS",
    "Invitation",
    "Membership",
    "MembershipQuerySet",
    "Organization",
    "OrganizationQuerySet",
    "PendingSignup",
    "Role",
    "User",
    "line_ids",
    "organization_id_of",
    "other_organization_errors",
    "unique_username",
    "validate_not_reserved",
    "validate_single_line",
]
