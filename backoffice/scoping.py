"""Django admin scoped to organizations: staff who are not superusers see only those they admin."""

import dataclasses
import re

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation, IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, router, transaction
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from kit.numbers import whole_number
from organizations.models import Organization, User, organization_id_of


def administered_organization_ids(request: HttpRequest) -> set[int] | None:
    """Ids of the organizations the user admins; None for a superuser, who sees everything."""
    user = request.user
    if user.is_active and user.is_superuser:
        return None
    if not hasattr(request, "_administered_organization_ids"):
        ids = set()
        if user.is_active and user.is_staff:
            ids = set(Organization.objects.administered_by(user).values_list("pk", flat=True))
        request._administered_organization_ids = ids
    return request._administered_organization_ids


def scoped(queryset, request: HttpRequest):
    """Narrow any admin queryset to the organizations the user admins."""
    ids = administered_organization_ids(request)
    if ids is None:
        return queryset
    model = queryset.model
    if model is Organization:
        return queryset.filter(pk__in=ids)
    if model is User:
        return queryset.filter(memberships__organization__in=ids).distinct()
    lookup = getattr(model, "organization_lookup", None)
    if lookup is None:
        return queryset.none()
    return queryset.filter(**{f"{lookup}__in": ids})


class OrganizationScoped:
    """Shared by model admins and inlines: querysets, choices and permissions per organization."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = scoped(db_field.related_model._default_manager.all(), request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = scoped(db_field.related_model._default_manager.all(), request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _in_scope(self, ids: set[int], obj=None) -> bool:
        # An inline's obj is its parent, which the parent admin has already checked.
        if not ids:
            return False
        if obj is None or obj.pk is None or isinstance(self, admin.options.InlineModelAdmin):
            return True
        return organization_id_of(obj) in ids

    def has_module_permission(self, request):
        ids = administered_organization_ids(request)
        return super().has_module_permission(request) if ids is None else bool(ids)

    def has_view_permission(self, request, obj=None):
        ids = administered_organization_ids(request)
        if ids is None:
            return super().has_view_permission(request, obj)
        return self._in_scope(ids, obj)

    def has_change_permission(self, request, obj=None):
        ids = administered_organization_ids(request)
        if ids is None:
            return super().has_change_permission(request, obj)
        return self._in_scope(ids, obj)

    def has_add_permission(self, request, *args):
        ids = administered_organization_ids(request)
        if ids is None:
            return super().has_add_permission(request, *args)
        return self._in_scope(ids)

    def has_delete_permission(self, request, obj=None):
        ids = administered_organization_ids(request)
        if ids is None:
            return super().has_delete_permission(request, obj)
        return self._in_scope(ids, obj)


class PrimaryKeyByDefault:
    """An empty `_to_field` names the primary key: Django looks up a field named "" and fails
    with a 500 (its check of the parameter skips an empty value, its lookup does not)."""

    def get_object(self, request, object_id, from_field=None):
        return super().get_object(request, object_id, from_field or None)


class AnswersEveryLookup:
    """For every model admin, scoped or not (people and groups too)."""

    def get_changelist_instance(self, request):
        """A list whose address asks what the database cannot answer (a year past 9999, a
        `__regex` that is no pattern) is admin's "invalid lookup" answer, not a 500. The list
        counts its rows here, so the error shows here; a savepoint keeps a failed count from
        spoiling the request's transaction. SQLite matches patterns in Python, whose error
        comes back as a bare OperationalError: patterns are compiled first, on every database."""
        for lookup, values in request.GET.lists():
            if lookup.endswith(("__regex", "__iregex")):
                for value in values:
                    try:
                        re.compile(value)
                    except (re.error, RecursionError, OverflowError) as error:
                        raise IncorrectLookupParameters(error) from error
        try:
            with transaction.atomic(using=router.db_for_read(self.model)):
                return super().get_changelist_instance(request)
        except (OverflowError, DataError) as error:
            raise IncorrectLookupParameters(error) from error


class ScopedModelAdmin(
    OrganizationScoped, AnswersEveryLookup, PrimaryKeyByDefault, admin.ModelAdmin
):
    class Media:
        # Fields that fit a phone (tabular inlines as cards) and names for screen readers.
        css = {"all": ["css/admin.css"]}
        js = ["js/admin.js"]

    def get_object(self, request, object_id, from_field=None):
        # Another organization's object, or none at all: a 404, not a redirect that hints.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such object in your organizations.")
        return obj


class LabelledDeletion:
    """A formset whose "Delete?" boxes are named for screen readers (admin's table gives them
    no <label>)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields:
            form.fields[DELETION_FIELD_NAME].widget.attrs["aria-label"] = "Delete this row"


class LabelledInlineFormSet(LabelledDeletion, BaseInlineFormSet):
    pass


class ScopedTabularInline(OrganizationScoped, admin.TabularInline):
    formset = LabelledInlineFormSet

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A table's cells have no <label>: each field is named for screen readers instead.
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            formfield.widget.attrs.setdefault("aria-label", str(formfield.label).capitalize())
        return formfield


class ScopedStackedInline(OrganizationScoped, admin.StackedInline):
    pass


def view_on_site(request: HttpRequest, content_type_id: int, object_id: str):
    """Admin's "view on site" link, for objects of organizations the user admins only.

    Django's own shortcut redirects to any object's page, so walking ids would reveal private
    organizations' addresses; here anything out of scope is a 404.
    """
    kind = whole_number(content_type_id)
    content_type = ContentType.objects.filter(pk=kind).first() if kind is not None else None
    model = content_type.model_class() if content_type else None
    if model is None:
        raise Http404("No such object in your organizations.")
    try:
        in_scope = scoped(model._default_manager.all(), request).filter(pk=object_id).exists()
    except (ValueError, ValidationError):
        in_scope = False
    if not in_scope:
        raise Http404("No such object in your organizations.")
    return shortcut(request, kind, object_id)


class DeleteMeansOtherwise:
    """A model admin whose "Delete" does what the product means instead (removing a person
    deactivates them; deleting a conversation erases its messages' text): the delete page says
    what will happen and what stays, and the "delete selected" action does the same per row.

    Subclasses give `delete_means` (the page's title and button), `what_stays(obj)` (lines the
    page lists) and `delete_instead(obj)`, which returns the notice or raises ValidationError.
    """

    delete_means = "Delete"
    delete_means_template = "admin/delete_means_otherwise.html"

    def what_stays(self, obj) -> list[str]:
        return []

    def delete_instead(self, obj) -> str:
        raise NotImplementedError

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if deleting := actions.pop("delete_selected", None):
            description = f"{self.delete_means} the selected %(verbose_name_plural)s"
            actions["delete_instead"] = dataclasses.replace(
                deleting,
                func=type(self)._delete_selected_instead,
                name="delete_instead",
                description=description,
                plural_description=description,
            )
        return actions

    def _delete_selected_instead(self, request, queryset):
        for obj in queryset:
            self._delete_one(request, obj)

    def _delete_one(self, request, obj) -> None:
        try:
            notice = self.delete_instead(obj)
        except ValidationError as error:
            self.message_user(request, f"{obj}: {' '.join(error.messages)}", messages.ERROR)
        else:
            self.log_change(request, obj, notice)
            self.message_user(request, notice, messages.SUCCESS)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if not self.has_delete_permission(request, obj):
            raise PermissionDenied
        if request.method == "POST":
            self._delete_one(request, obj)
            info = self.opts.app_label, self.opts.model_name
            return HttpResponseRedirect(reverse("admin:{}_{}_changelist".format(*info)))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{self.delete_means}: {obj}",
            "object": obj,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "what_stays": self.what_stays(obj),
            "button": self.delete_means,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.delete_means_template, context)


class SaysWhatToDoInstead:
    """A delete that the database refuses (evidence hangs on the object) says what to do
    instead, above admin's list of what stands in the way; `instead_of_deleting` is the text."""

    instead_of_deleting = ""
    delete_confirmation_template = "admin/delete_refused.html"
    delete_selected_confirmation_template = "admin/delete_selected_refused.html"

    def render_delete_form(self, request, context):
        context["instead"] = self.instead_of_deleting
        return super().render_delete_form(request, context)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if deleting := actions.get("delete_selected"):
            delete_selected = deleting.func

            def delete_selected_saying_instead(modeladmin, request, queryset):
                response = delete_selected(modeladmin, request, queryset)
                if isinstance(response, TemplateResponse):
                    response.context_data["instead"] = modeladmin.instead_of_deleting
                return response

            actions["delete_selected"] = dataclasses.replace(
                deleting, func=delete_selected_saying_instead
            )
        return actions
