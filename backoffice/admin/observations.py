from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from backoffice.scoping import (
    DeleteMeansOtherwise,
    ScopedModelAdmin,
    ScopedStackedInline,
    administered_organization_ids,
)
from observations.models import Conversation, Message, Observation, readable_by

# What people said is theirs: admin shows it and may remove it, never rewrites it.
SAID_BY_PEOPLE = ["subject", "observer", "story"]
VERSIONS_SHOWN = 50


@admin.register(Observation)
class ObservationAdmin(ScopedModelAdmin):
    list_display = ["subject", "ability", "level", "observer", "observed_on", "privacy"]
    list_filter = ["privacy", ("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["story", "subject__user__username", "ability__name"]
    date_hierarchy = "observed_on"
    fields = [
        "organization", "subject", "ability", "level", "observer", "observed_on", "privacy",
        "story",
    ]  # fmt: skip

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .select_related("subject__user", "observer__user", "ability")
        )
        # Admins of an organization read what its privacy rule lets them read, nothing more.
        if administered_organization_ids(request) is not None:
            queryset = queryset.visible_to(request.user)
        return queryset

    def get_fields(self, request, obj=None):
        return [*self.fields, "versions"] if obj else self.fields

    def get_readonly_fields(self, request, obj=None):
        return ["organization", *SAID_BY_PEOPLE, "versions"] if obj else []

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        obj._admin_request = request  # `versions` shows what this reader may read
        return obj

    @admin.display(description="Versions")
    def versions(self, obj):
        """Every saved version, newest first, with who saved it: an edit is auditable. An
        organization's admin reads only the versions the privacy rule lets them read: a story
        once kept to its observer stays so, whatever the observation says now."""
        records = obj.history.select_related("history_user")
        if administered_organization_ids(obj._admin_request) is not None:
            records = records.filter(readable_by(obj._admin_request.user))
        records = records[:VERSIONS_SHOWN]
        rows = format_html_join(
            "",
            "<li><strong>{} {} by {}</strong>: {} · {} · {} · {}</li>",
            (
                (
                    record.get_history_type_display(),
                    timezone.localtime(record.history_date).strftime("%-d %b %Y %H:%M"),
                    record.history_user or "someone outside a request (a script or import)",
                    record.observed_on.strftime("%-d %b %Y"),
                    f"milestone {record.level}" if record.level else "no milestone",
                    record.get_privacy_display(),
                    record.story,
                )
                for record in records
            ),
        )
        return format_html("<ul>{}</ul>", rows) if rows else "No saved versions."

    # Observations are recorded and edited by their observers in the app; admins moderate.
    def has_add_permission(self, request):
        return administered_organization_ids(request) is None and super().has_add_permission(
            request
        )

    def has_change_permission(self, request, obj=None):
        return administered_organization_ids(request) is None and super().has_change_permission(
            request, obj
        )


class ModeratedMessages(BaseInlineFormSet):
    """Deleting a message here erases its text and leaves "deleted" in its place, as in the app."""

    def delete_existing(self, obj, commit=True):
        if commit and obj.deleted_at is None:
            obj.soft_delete()


class MessageInline(ScopedStackedInline):
    model = Message
    formset = ModeratedMessages
    fields = ["author", "body", "created_at", "edited_at", "deleted_at"]
    readonly_fields = fields
    verbose_name_plural = (
        "Messages (deleting one erases its text and leaves “deleted” in its place)"
    )
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False  # nobody writes in another person's name


@admin.register(Conversation)
class ConversationAdmin(DeleteMeansOtherwise, ScopedModelAdmin):
    list_display = ["topic", "ability", "started_by", "created_at"]
    list_filter = [("ability__organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["topic", "messages__body"]
    inlines = [MessageInline]

    def get_readonly_fields(self, request, obj=None):
        return ["topic", "started_by"] if obj else []

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ability", "started_by__user")

    # Messages are what people wrote: deleting a conversation erases their text, as each
    # author's own delete does, and keeps the thread's shape.
    delete_means = "Delete the messages of"

    def what_stays(self, conversation: Conversation) -> list[str]:
        remaining = conversation.messages.filter(deleted_at=None).count()
        return [
            f"Its {remaining} messages lose their text; “deleted” stands in the place of each, "
            "as when an author deletes their own.",
            "The conversation, its topic and who started it stay.",
        ]

    def delete_instead(self, conversation: Conversation) -> str:
        for message in conversation.messages.filter(deleted_at=None):
            message.soft_delete()
        return f"The messages of “{conversation}” are erased; “deleted” stands in their place."
