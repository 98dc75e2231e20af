from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from gruuv.admin_scoping import (
    PrimaryKeyByDefault,
    ScopedModelAdmin,
    ScopedTabularInline,
    administered_organization_ids,
)
from gruuv.framework.admin import framework_urls
from milestones.models import Requirement
from organizations.models import Membership, Organization, Role, User


class PeopleAdmin(PrimaryKeyByDefault, UserAdmin):
    pass


class GroupsAdmin(PrimaryKeyByDefault, GroupAdmin):
    pass


admin.site.register(User, PeopleAdmin)
admin.site.unregister(Group)
admin.site.register(Group, GroupsAdmin)


@admin.register(Organization)
class OrganizationAdmin(ScopedModelAdmin):
    list_display = ["name", "slug", "is_public", "uses_miles", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    change_form_template = "admin/organizations/organization/change_form.html"

    def get_urls(self):
        return [*framework_urls(self), *super().get_urls()]

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
