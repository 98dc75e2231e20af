from django import forms
from django.contrib import admin
from django.db import models

from gruuv.admin_scoping import ScopedModelAdmin, ScopedTabularInline
from milestones.models import Achievement, Example, Milestone


class ExampleInline(ScopedTabularInline):
    model = Example
    fields = ["position", "behaviour", "example_task"]
    extra = 1
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


@admin.register(Milestone)
class MilestoneAdmin(ScopedModelAdmin):
    list_display = ["__str__", "miles", "summary"]
    list_filter = [("ability__organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["ability__name", "summary", "description"]
    fields = ["ability", "level", "miles", "summary", "description"]
    inlines = [ExampleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ability")


@admin.register(Achievement)
class AchievementAdmin(ScopedModelAdmin):
    list_display = ["membership", "milestone", "awarded_by", "awarded_on"]
    list_filter = [("membership__organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["membership__user__username", "milestone__ability__name", "note"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("membership__user", "milestone__ability", "awarded_by__user")
        )
