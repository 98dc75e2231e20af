from django import forms

from milestones.models import LEVELS, Achievement
from organizations.models import Membership, Organization
from pages.ability_picker import AbilityField


class AwardForm(forms.Form):
    """Which milestone to award: an ability, typed or suggested (there may be a thousand), and
    one of its levels."""

    ability = AbilityField(label="Ability", help_text="Start typing its name.")
    level = forms.TypedChoiceField(label="Milestone", choices=LEVELS, coerce=int)
    note = forms.CharField(
        label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, organization: Organization, person: Membership, *args, gaps=(), **kwargs):
        """`gaps`: the abilities the person's roles ask more of, offered first."""
        super().__init__(*args, **kwargs)
        self.person = person
        ability = self.fields["ability"]
        ability.for_organization(organization)
        if gaps:
            names = [gap.name for gap in gaps]
            ability.widget.offered = tuple(names)
            ability.help_text = "Their roles ask more of: " + ", ".join(names) + ". Or type any."

    def clean(self) -> dict:
        cleaned = super().clean()
        ability, level = cleaned.get("ability"), cleaned.get("level")
        if not (ability and level):
            return cleaned
        milestone = ability.milestones.filter(level=level).first()
        if milestone is None:
            self.add_error("level", f"{ability.name} has no milestone {level}.")
        elif self.person.achievements.filter(milestone=milestone).exists():
            self.add_error(
                "level",
                f"{self.person.user} has already achieved {ability.name} milestone {level}.",
            )
        else:
            cleaned["milestone"] = milestone
        return cleaned

    def save(self, awarded_by: Membership) -> Achievement:
        # get_or_create: a double click (or two managers at once) awards it once.
        achievement, _ = Achievement.objects.get_or_create(
            membership=self.person,
            milestone=self.cleaned_data["milestone"],
            defaults={"awarded_by": awarded_by, "note": self.cleaned_data["note"]},
        )
        return achievement
