"""An organization's settings, and its first run from an example framework."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from demo.frameworks import EXAMPLE_FRAMEWORKS
from framework.importing import FrameworkImport
from framework.parse import parse
from organizations.access import (
    may_administer,
    members_only,
    organization_for_member,
    require,
)
from pages.forms.membership import OrganizationSettingsForm
from pages.rendering import render


@members_only
def organization_settings(request: HttpRequest, org: str) -> HttpResponse:
    organization, membership = organization_for_member(request, org)
    require(may_administer(membership), "Only admins change the organization's settings.")
    form = OrganizationSettingsForm(data=request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        organization = form.save()
        messages.success(request, "Settings saved.")
        return redirect("organization_settings", organization.slug)
    context = {"organization": organization, "membership": membership, "form": form}
    return render(request, "organizations/settings.html", context, invalid=bool(form.errors))


@members_only
@require_POST
def start_from_example(request: HttpRequest, org: str, example: str) -> HttpResponse:
    """First run: an organization without abilities starts from a sample framework."""
    organization, membership = organization_for_member(request, org)
    require(may_administer(membership), "Only admins change the framework.")
    path = EXAMPLE_FRAMEWORKS.get(example)
    if path is None:
        raise Http404("No such example framework.")
    if organization.abilities.exists():
        messages.error(request, f"{organization} has abilities already; import a file instead.")
    else:
        changes = FrameworkImport(
            organization, parse(path.read_text(encoding="utf-8")), reason=f"Example: {example}"
        ).run()
        messages.success(request, f"Started from the {example} example: {len(changes)} changes.")
    return redirect("organization", organization.slug)
