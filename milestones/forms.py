from django import forms

from milestones.models import Achievement, Milestone
from organizations.models import Membership, Organization


class MilestoneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, milestone: Milestone) -> str:
        return f"{milestone.ability.name} — milestone {milestone.level}"


class AwardForm(forms.Form):
    milestone = MilestoneChoiceField(queryset=Milestone.objects.none(), label="Milestone")
    note = forms.CharField(
        label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, organization: Organization, person: Membership, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["milestone"].queryset = (
            Milestone.objects.filter(ability__organization=organization)
            .select_related("ability")
            .order_by("ability__name", "level")
        )

    def clean_milestone(self) -> Milestone:
        milestone = self.cleaned_data["milestone"]
        if self.person.achievements.filter(milestone=milestone).exists():
            raise forms.ValidationError(
                f"{self.person.user} has already achieved {milestone.ability.name} "
                f"milestone {milestone.level}."
            )
        return milestone

    def save(self, awarded_by: Membership) -> Achievement:
        # get_or_create: a double click (or two managers at once) awards it once.
        achievement, _ = Achievement.objects.get_or_create(
            membership=self.person,
            milestone=self.cleaned_data["milestone"],
            defaults={"awarded_by": awarded_by, "note": self.cleaned_data["note"]},
        )
        return achievement
