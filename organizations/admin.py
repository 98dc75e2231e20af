from functools import partial
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from gruuv.admin_scoping import ScopedModelAdmin, ScopedTabularInline, administered_organization_ids
from gruuv.framework import (
    FrameworkError,
    FrameworkImport,
    dump,
    export_framework,
    parse,
    parse_csv,
)
from milestones.models import Requirement
from organizations.models import Membership, Organization, Role, User

admin.site.register(User, UserAdmin)


@admin.register(Organization)
class OrganizationAdmin(ScopedModelAdmin):
    list_display = ["name", "slug", "is_public", "uses_miles", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    change_form_template = "admin/organizations/organization/change_form.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/framework/export/",
                wrap(partial(export_view, self)),
                name="organizations_organization_export",
            ),
            path(
                "<path:object_id>/framework/import/",
                wrap(partial(import_view, self)),
                name="organizations_organization_import",
            ),
            *super().get_urls(),
        ]

    # Organizations are created by signing up; only operators create or delete them here.
    def has_add_permission(self, request):
        return administered_organization_ids(request) is None and super().has_add_permission(
            request
        )

    def has_delete_permission(self, request, obj=None):
        return administered_organization_ids(request) is None and super().has_delete_permission(
            request, obj
        )


class RequirementInline(ScopedTabularInline):
    model = Requirement
    fields = ["ability", "level", "strength"]
    extra = 1


@admin.register(Role)
class RoleAdmin(ScopedModelAdmin):
    list_display = ["name", "plural", "kind", "organization"]
    list_filter = ["kind", ("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "plural_name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RequirementInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["organization", "user", "level", "roles"]

    def clean(self):
        cleaned = super().clean()
        organization = cleaned.get("organization")
        foreign = (
            [r for r in cleaned.get("roles") or [] if r.organization_id != organization.pk]
            if organization
            else []
        )
        if foreign:
            names = ", ".join(role.name for role in foreign)
            self.add_error("roles", f"These roles belong to another organization: {names}.")
        return cleaned


@admin.register(Membership)
class MembershipAdmin(ScopedModelAdmin):
    form = MembershipForm
    list_display = ["user", "organization", "level", "joined_at"]
    list_filter = ["level", ("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    filter_horizontal = ["roles"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization", "user")


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label="Framework file",
        help_text="YAML or JSON as exported (docs/framework-format.md), or a CSV sheet.",
    )


def framework_format(filename: str) -> str:
    return {".json": "json", ".csv": "csv"}.get(Path(filename).suffix.lower(), "yaml")


def _framework_import(organization, text: str, fmt: str) -> FrameworkImport:
    if fmt == "csv":
        return FrameworkImport(
            organization, parse_csv(text, organization), abilities_only=True, reason="CSV import"
        )
    return FrameworkImport(organization, parse(text, fmt), reason="Framework import")


def export_view(admin_site: OrganizationAdmin, request, object_id: str) -> HttpResponse:
    organization = admin_site.get_object(request, object_id)
    if not admin_site.has_view_permission(request, organization):
        raise PermissionDenied
    fmt = "json" if request.GET.get("format") == "json" else "yaml"
    response = HttpResponse(
        dump(export_framework(organization), fmt),
        content_type="application/json" if fmt == "json" else "application/yaml",
    )
    response["Content-Disposition"] = f'attachment; filename="{organization.slug}.{fmt}"'
    return response


def import_view(admin_site: OrganizationAdmin, request, object_id: str) -> TemplateResponse:
    """Upload, see the dry run's changes, then apply: nothing is saved before the confirmation."""
    organization = admin_site.get_object(request, object_id)
    if not admin_site.has_change_permission(request, organization):
        raise PermissionDenied
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    context = {
        **admin_site.admin_site.each_context(request),
        "opts": admin_site.model._meta,
        "original": organization,
        "title": f"Import a framework into {organization}",
        "form": form,
    }
    if request.method == "POST" and "content" in request.POST:  # confirmed
        text, fmt = request.POST["content"], request.POST.get("fmt", "yaml")
        try:
            changes = _framework_import(organization, text, fmt).run()
        except FrameworkError as error:
            context["errors"] = error.errors
        else:
            messages.success(request, f"Imported: {len(changes)} change(s) made.")
            return redirect("admin:organizations_organization_change", organization.pk)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        fmt = framework_format(upload.name)
        try:
            text = upload.read().decode("utf-8")
            context["changes"] = _framework_import(organization, text, fmt).run(dry_run=True)
        except UnicodeDecodeError:
            context["errors"] = ["the file is not UTF-8 text"]
        except FrameworkError as error:
            context["errors"] = error.errors
        else:
            context |= {"content": text, "fmt": fmt}
    status = 422 if context.get("errors") else 200
    return TemplateResponse(
        request, "admin/organizations/organization/import.html", context, status=status
    )
