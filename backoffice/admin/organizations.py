import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from backoffice.scoping import (
    AnswersEveryLookup,
    DeleteMeansOtherwise,
    PrimaryKeyByDefault,
    SaysWhatToDoInstead,
    ScopedModelAdmin,
    ScopedTabularInline,
    administered_organization_ids,
)
from framework.admin import framework_urls
from milestones.models import Requirement
from organizations.models import Membership, Organization, Role, User

logger = logging.getLogger(__name__)


class PeopleAdmin(SaysWhatToDoInstead, AnswersEveryLookup, PrimaryKeyByDefault, UserAdmin):
    instead_of_deleting = (
        "A person is not deleted while evidence hangs on them. Remove them from their "
        "organizations (the Team page, or Memberships here), or, for a data-protection request, "
        "use “Erase this person” on their page: it removes their name, email, username and "
        "password and keeps what they wrote and earned as a former member's."
    )
    change_form_template = "admin/organizations/user/change_form.html"
    readonly_fields = ["erased_at"]

    def get_urls(self):
        erase = self.admin_site.admin_view(self.erase_view)
        return [
            path("<path:object_id>/erase/", erase, name="organizations_user_erase"),
            *super().get_urls(),
        ]

    def erase_view(self, request, object_id):
        """Erase a person's personal data, keeping their evidence: operators only, logged."""
        person = self.get_object(request, unquote(object_id))
        if person is None:
            raise Http404("No such person.")
        if not (request.user.is_superuser and self.has_change_permission(request, person)):
            raise PermissionDenied
        change_page = reverse("admin:organizations_user_change", args=[person.pk])
        if request.method == "POST":
            was = f"{person.username} <{person.email}>" if person.email else person.username
            try:
                person.erase()
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return HttpResponseRedirect(change_page)
            self.log_change(request, person, f"Erased {was}: personal data removed")
            logger.warning("%s erased the person %s (now %s)", request.user, was, person)
            self.message_user(request, f"{was} is erased; their evidence stays, as a former "
                              "member's.", messages.SUCCESS)  # fmt: skip
            return HttpResponseRedirect(change_page)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Erase {person}",
            "person": person,
            "memberships": person.memberships.select_related("organization"),
            "opts": self.opts,
            "change_page": change_page,
        }
        return TemplateResponse(request, "admin/organizations/user/erase.html", context)


class GroupsAdmin(AnswersEveryLookup, PrimaryKeyByDefault, GroupAdmin):
    pass


admin.site.register(User, PeopleAdmin)
admin.site.unregister(Group)
admin.site.register(Group, GroupsAdmin)


@admin.register(Organization)
class OrganizationAdmin(SaysWhatToDoInstead, ScopedModelAdmin):
    instead_of_deleting = (
        "An organization is not deleted while people's evidence is in it (observations, "
        "achievements, conversations). Make it private instead, or remove that evidence "
        "deliberately first."
    )
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
class MembershipAdmin(DeleteMeansOtherwise, ScopedModelAdmin):
    form = MembershipForm
    list_display = ["user", "organization", "level", "joined_at"]
    list_filter = ["level", ("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    filter_horizontal = ["roles"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization", "user")

    # Removing a person here is what the Team page does: they are deactivated, nothing is lost.
    delete_means = "Remove"

    def what_stays(self, membership: Membership) -> list[str]:
        reports = membership.reports.active().count()
        moving_to = membership.manager.user if membership.manager_id else "the top of the line"
        lines = [
            f"{membership.user} leaves {membership.organization}: they can no longer open its "
            "members' pages.",
            f"The {membership.observations_received.count()} observations about them, their "
            f"{membership.achievements.count()} achievements, and everything they wrote stay.",
            f"Their {reports} direct reports now report to {moving_to}.",
        ]
        if membership.is_last_admin():
            lines.append(
                f"They are {membership.organization}'s only admin, so this will be refused: "
                "make someone else an admin first."
            )
        return lines

    def delete_instead(self, membership: Membership) -> str:
        if not membership.active:
            raise ValidationError("They have already left.")
        membership.deactivate()
        return (
            f"{membership.user} left {membership.organization}: deactivated, and everything they "
            "wrote and earned is kept."
        )
