from django.contrib import admin

from gruuv.admin_scoping import ScopedModelAdmin, ScopedStackedInline, administered_organization_ids
from observations.models import Conversation, Message, Observation


@admin.register(Observation)
class ObservationAdmin(ScopedModelAdmin):
    list_display = ["subject", "ability", "level", "observer", "observed_on", "privacy"]
    list_filter = ["privacy", ("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["story", "subject__user__username", "ability__name"]
    date_hierarchy = "observed_on"

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

    # Observations are recorded and edited by their observers in the app; admins moderate.
    def has_add_permission(self, request):
        return administered_organization_ids(request) is None and super().has_add_permission(
            request
        )

    def has_change_permission(self, request, obj=None):
        return administered_organization_ids(request) is None and super().has_change_permission(
            request, obj
        )


class MessageInline(ScopedStackedInline):
    model = Message
    fields = ["author", "body"]
    extra = 0


@admin.register(Conversation)
class ConversationAdmin(ScopedModelAdmin):
    list_display = ["topic", "ability", "started_by", "created_at"]
    list_filter = [("ability__organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["topic", "messages__body"]
    inlines = [MessageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ability", "started_by__user")
