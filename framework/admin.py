"""Framework export and import in Django admin, on an organization's change page."""

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from framework.export import dump, export_framework
from framework.format import FrameworkError, file_format
from framework.importing import read
from framework.limits import MOST_BYTES, too_large


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label="Framework file",
        help_text="YAML or JSON as exported (docs/framework-format.md), or a CSV sheet.",
    )


def framework_urls(model_admin: ModelAdmin) -> list[URLPattern]:
    """The export and import pages, for the organization admin's `get_urls()`."""
    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "<path:object_id>/framework/export/",
            wrap(partial(export_view, model_admin)),
            name="organizations_organization_export",
        ),
        path(
            "<path:object_id>/framework/import/",
            wrap(partial(import_view, model_admin)),
            name="organizations_organization_import",
        ),
    ]


def export_view(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    organization = model_admin.get_object(request, object_id)
    if not model_admin.has_view_permission(request, organization):
        raise PermissionDenied
    fmt = "json" if request.GET.get("format") == "json" else "yaml"
    response = HttpResponse(
        dump(export_framework(organization), fmt),
        content_type="application/json" if fmt == "json" else "application/yaml",
    )
    response["Content-Disposition"] = f'attachment; filename="{organization.slug}.{fmt}"'
    return response


def import_view(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> TemplateResponse:
    """Upload, see the dry run's changes, then apply: nothing is saved before the confirmation."""
    organization = model_admin.get_object(request, object_id)
    if not model_admin.has_change_permission(request, organization):
        raise PermissionDenied
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": organization,
        "title": f"Import a framework into {organization}",
        "form": form,
    }
    if request.method == "POST" and "content" in request.POST:  # confirmed
        text, fmt = request.POST["content"], request.POST.get("fmt", "yaml")
        try:
            changes = read(organization, text, fmt).run()
        except FrameworkError as error:
            context["errors"] = error.errors
        else:
            messages.success(request, f"Imported: {len(changes)} change(s) made.")
            return redirect("admin:organizations_organization_change", organization.pk)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        fmt = file_format(upload.name)
        try:
            if upload.size > MOST_BYTES:  # before reading it: it waits on disk, not in memory
                raise FrameworkError([too_large()])
            text = upload.read().decode("utf-8")
            context["changes"] = read(organization, text, fmt).run(dry_run=True)
        except UnicodeDecodeError:
            context["errors"] = ["the file is not UTF-8 text"]
        except FrameworkError as error:
            context["errors"] = error.errors
        else:
            context |= {"content": text, "fmt": fmt}
    status = 422 if context.get("errors") else 200
    return TemplateResponse(request, "framework/import.html", context, status=status)
