from functools import partial

from django import forms
from django.contrib import admin
from django.contrib.admin.checks import InlineModelAdminChecks
from django.core.exceptions import ValidationError
from django.db import models

from backoffice.scoping import (
    LabelledDeletion,
    SaysWhatToDoInstead,
    ScopedModelAdmin,
    ScopedTabularInline,
)
from milestones.models import LEVELS, Achievement, Example, Milestone

TWO_LINES = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


class ExampleInline(ScopedTabularInline):
    model = Example
    fields = ["position", "behaviour", "example_task"]
    extra = 1
    formfield_overrides = TWO_LINES


class LadderExampleForm(forms.ModelForm):
    """An example as a row on its ability's page: its milestone is picked by level, so the
    examples of a new ability are written on the same page as its ladder."""

    level = forms.TypedChoiceField(
        label="Milestone",
        choices=[("", "Choose…"), *LEVELS],
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"aria-label": "Milestone"}),
    )

    class Meta:
        model = Example
        fields = ["position", "behaviour", "example_task"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.milestone_id:
            self.fields["level"].initial = self.instance.milestone.level


class LadderExampleFormSet(LabelledDeletion, forms.BaseModelFormSet):
    """Every example of one ability's ladder, as the inline of the ability's admin page.

    Django's inline formsets need a foreign key to the parent; an example's is to its
    milestone, so this formset takes an inline formset's part: it is given the ability as
    `instance`, its rows are that ability's examples and nothing else, and each row is saved
    under the ability's milestone of the level it names (the ladder is saved first, by the
    milestones' inline before it, so a new ability's milestones exist by then).
    """

    def __init__(self, data=None, files=None, instance=None, save_as_new=False, prefix=None,
                 queryset=None, **kwargs):  # fmt: skip
        self.instance = instance
        queryset = Example.objects.all() if queryset is None else queryset
        if instance is None or instance.pk is None or save_as_new:
            queryset = queryset.none()
        else:
            queryset = queryset.filter(milestone__ability=instance)
        queryset = queryset.select_related("milestone").order_by(
            "milestone__level", "position", "pk"
        )
        self._milestones = {}
        super().__init__(data, files, prefix=prefix, queryset=queryset, **kwargs)

    @classmethod
    def get_default_prefix(cls) -> str:
        return "examples"

    def clean(self) -> None:
        super().clean()
        # A row whose id is not among this ability's examples (another organization's, or one
        # deleted meanwhile) gets a new, unsaved instance from Django, and would be dropped
        # without a word.
        if any(form.instance._state.adding for form in self.initial_forms):
            raise ValidationError(
                "An example in this list is no longer one of this ability's (deleted or moved "
                "meanwhile). Reload the page and make your change again."
            )

    def _milestone(self, level: int) -> Milestone:
        if level not in self._milestones:
            self._milestones[level], _ = Milestone.objects.get_or_create(
                ability=self.instance, level=level
            )
        return self._milestones[level]

    def _place(self, form) -> None:
        milestone = self._milestone(form.cleaned_data["level"])
        if form.instance.milestone_id != milestone.pk:
            form.instance.milestone = milestone
            if "position" not in form.changed_data:
                form.instance.position = None  # to the end of its new milestone

    def save_new(self, form, commit=True):
        self._place(form)
        return super().save_new(form, commit)

    def save_existing(self, form, obj, commit=True):
        self._place(form)
        return super().save_existing(form, obj, commit)


class LadderInlineChecks(InlineModelAdminChecks):
    def _check_relation(self, obj, parent_model):
        return []  # reaches the ability through the milestone: see LadderExampleFormSet


class LadderExampleInline(ScopedTabularInline):
    """The examples of every milestone, edited on the ability's page (`AbilityAdmin`)."""

    checks_class = LadderInlineChecks

    model = Example
    form = LadderExampleForm
    formset = LadderExampleFormSet
    fields = ["level", "position", "behaviour", "example_task"]
    extra = 1  # a blank row, so an example can be added without JavaScript too
    verbose_name_plural = "Examples, by milestone"
    formfield_overrides = TWO_LINES

    def get_formset(self, request, obj=None, **kwargs):
        # Admin's own builds an inline formset, which needs a foreign key to the ability.
        return forms.modelformset_factory(
            Example,
            form=self.form,
            formset=self.formset,
            fields=kwargs.get("fields", self.fields),
            formfield_callback=partial(self.formfield_for_dbfield, request=request),
            extra=self.get_extra(request, obj),
            can_delete=self.can_delete and self.has_delete_permission(request, obj),
        )


@admin.register(Milestone)
class MilestoneAdmin(SaysWhatToDoInstead, ScopedModelAdmin):
    instead_of_deleting = (
        "A milestone people have achieved is not deleted: their achievements rest on it. "
        "Edit its texts instead, or revoke the achievements first on each person's page."
    )
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
