from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from organizations.access import organization_for_reader


def role_list(request: HttpRequest, org: str) -> TemplateResponse:
    organization, membership = organization_for_reader(request, org)
    roles = organization.roles.annotate(requirement_count=Count("requirements")).order_by(
        "kind", "name"
    )
    context = {"organization": organization, "membership": membership, "roles": roles}
    return TemplateResponse(request, "organizations/role_list.html", context)


def role_page(request: HttpRequest, org: str, role: str) -> TemplateResponse:
    organization, membership = organization_for_reader(request, org)
    role = get_object_or_404(organization.roles, slug=role)
    requirements = role.requirements.select_related("ability").order_by("ability__name")
    context = {
        "organization": organization,
        "membership": membership,
        "role": role,
        "requirements": requirements,
    }
    return TemplateResponse(request, "organizations/role.html", context)
