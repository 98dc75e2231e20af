"""Django admin scoped to organizations: staff who are not superusers see only those they admin."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.db import DataError, router, transaction
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest

from gruuv.numbers import whole_number
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


class ScopedModelAdmin(OrganizationScoped, PrimaryKeyByDefault, admin.ModelAdmin):
    class Media:
        # Fields that fit a phone (tabular inlines as cards) and names for screen readers.
        css = {"all": ["css/admin.css"]}
        js = ["js/admin.js"]

    def get_changelist_instance(self, request):
        """A list whose address asks what the database cannot answer (a year past 9999, a
        `__regex` that is no pattern) is admin's "invalid lookup" answer, not a 500. The list
        counts its rows here, so the error shows here; a savepoint keeps a failed count from
        spoiling the request's transaction."""
        try:
            with transaction.atomic(using=router.db_for_read(self.model)):
                return super().get_changelist_instance(request)
        except (OverflowError, DataError) as error:
            raise IncorrectLookupParameters(error) from error

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
