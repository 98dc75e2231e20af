from django import forms
from django.contrib import admin
from django.db import models
from django.utils.html import format_html_join

from abilities.models import Ability
from backoffice.admin.milestones import LadderExampleInline
from backoffice.scoping import SaysWhatToDoInstead, ScopedModelAdmin, ScopedStackedInline
from health.badges import badges, with_health
from milestones.models import Milestone

# A summary is a sentence: its field is as wide as admin's text areas (48em), not 20em.
WIDE_LINE = {models.CharField: {"widget": forms.TextInput(attrs={"class": "vLargeTextField"})}}


class MilestoneInline(ScopedStackedInline):
    model = Milestone
    fields = ["level", "miles", "summary", "description"]
    max_num = 5
    show_change_link = True
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"})}
    }

    def get_extra(self, request, obj=None, **kwargs):
        return 5 - obj.milestones.count() if obj else 5


@admin.register(Ability)
class AbilityAdmin(SaysWhatToDoInstead, ScopedModelAdmin):
    instead_of_deleting = (
        "An ability is not deleted while people's evidence hangs on it (observations, "
        "achievements, conversations): that is their record. Keep it, or rename it and say in "
        "its summary that it is retired."
    )
    list_display = ["name", "organization", "health_icons", "updated_at"]
    list_filter = [("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "summary", "description"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = WIDE_LINE
    readonly_fields = ["health_lines", "created_at", "updated_at"]
    fields = ["organization", "name", "slug", "summary", "description", *readonly_fields]
    inlines = [MilestoneInline, LadderExampleInline]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, MilestoneInline) and obj.pk is None:  # a new ability's ladder
            kwargs["initial"] = [{"level": level} for level in range(1, 6)]
        return kwargs

    def get_queryset(self, request):
        return with_health(super().get_queryset(request).select_related("organization"))

    @admin.display(description="Health")
    def health_icons(self, ability: Ability) -> str:
        return format_html_join(
            "", '<span title="{}">{}</span>', ((b.text, b.icon) for b in badges(ability))
        )

    @admin.display(description="Configuration health")
    def health_lines(self, ability: Ability) -> str:
        if ability.pk is None:
            return "–"
        return format_html_join("", "<div>{} {}</div>", ((b.icon, b.text) for b in badges(ability)))
