"""The check-in forms: open one, propose on it (one side), finalize it, acknowledge it, open a
round. Each is built from rows the view already read, so validating costs no query."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator

from checkins.models import MOST_ABILITIES, NOTE_LENGTH, Round
from checkins.workflow import Proposal
from kit.forms import Checkboxes
from pages.ability_picker import AbilityField


def level_choices(ladder: dict[int, str], blank: str | None = None) -> list[tuple]:
    """Milestone options that say what each asks: "Milestone 2 — Designs a service …"."""
    choices = [("", blank)] if blank is not None else []
    for level, summary in sorted(ladder.items()):
        words = Truncator(summary).chars(90) if summary else ""
        choices.append((level, f"Milestone {level} — {words}" if words else f"Milestone {level}"))
    return choices


def _note(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OpenCheckInForm(forms.Form):
    """Which abilities: the ones the person's roles require, checked; the ones they hold or were
    observed on, offered; and one more, typed."""

    abilities = forms.MultipleChoiceField(label="Abilities", required=False, widget=Checkboxes)
    another = AbilityField(
        label="Another ability", required=False, help_text="Optional. Start typing its name."
    )

    def __init__(self, organization, candidates, required_ids, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {ability.pk: ability for ability in candidates}
        field = self.fields["abilities"]
        field.choices = [(ability.pk, ability.name) for ability in candidates]
        field.initial = [pk for pk in self.candidates if pk in required_ids]
        field.help_text = (
            f"The ones your roles require are chosen; at most {MOST_ABILITIES} in all."
        )
        self.fields["another"].for_organization(organization)

    def clean(self) -> dict:
        cleaned = super().clean()
        picked = {int(pk) for pk in cleaned.get("abilities", [])}
        chosen = [ability for pk, ability in self.candidates.items() if pk in picked]
        if cleaned.get("another") and cleaned["another"].pk not in {a.pk for a in chosen}:
            chosen.append(cleaned["another"])
        if not chosen and not self.errors:
            self.add_error("abilities", "Choose at least one ability.")
        if len(chosen) > MOST_ABILITIES:
            self.add_error("abilities", f"Choose at most {MOST_ABILITIES} abilities.")
        cleaned["chosen"] = chosen
        return cleaned


class ProposalForm(forms.Form):
    """One side's proposals: per ability a milestone, a note and the observations cited.

    `rows` are (item, ladder {level: summary}, citable observations); a draft may leave a
    milestone blank, handing in may not."""

    def __init__(self, rows, side: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.side, self.rows = side, rows
        for item, ladder, citable in rows:
            self.fields[f"level-{item.pk}"] = forms.TypedChoiceField(
                label=f"Milestone for {item.ability.name}",
                choices=level_choices(ladder, blank="Choose a milestone"),
                coerce=int,
                empty_value=None,
                required=False,
                initial=item.level_of(side),
            )
            self.fields[f"note-{item.pk}"] = _note(f"Why, for {item.ability.name}")
            self.fields[f"note-{item.pk}"].initial = item.note_of(side)
            self.fields[f"cite-{item.pk}"] = forms.TypedMultipleChoiceField(
                label=f"Evidence for {item.ability.name}",
                choices=[(o.pk, _observation_label(o)) for o in citable],
                coerce=int,
                required=False,
                widget=Checkboxes,
                initial=[pk for pk in item.cited_by_side if pk in {o.pk for o in citable}],
            )

    def fields_of(self, item) -> tuple:
        return tuple(self[f"{name}-{item.pk}"] for name in ("level", "note", "cite"))

    @property
    def submitting(self) -> bool:
        return self.data.get("action") == "submit"

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.submitting:
            for item, _, _ in self.rows:
                name = f"level-{item.pk}"
                if name not in self.errors and cleaned.get(name) is None:
                    self.add_error(name, "Choose a milestone before handing in.")
        return cleaned

    def proposals(self) -> dict:
        return {
            item.pk: Proposal(
                level=self.cleaned_data[f"level-{item.pk}"],
                note=self.cleaned_data[f"note-{item.pk}"].strip(),
                cited=self.cleaned_data[f"cite-{item.pk}"],
            )
            for item, _, _ in self.rows
        }


def _observation_label(observation) -> str:
    level = f" · milestone {observation.level}" if observation.level else ""
    story = Truncator(observation.story).chars(120)
    return f"{date_format(observation.observed_on, 'j M Y')}{level}: {story}"


class FinalizeForm(forms.Form):
    """The agreed milestone per ability, the manager side's proposal to start with."""

    def __init__(self, rows, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for item, ladder, _ in rows:
            self.fields[f"agreed-{item.pk}"] = forms.TypedChoiceField(
                label=f"Agreed milestone for {item.ability.name}",
                choices=level_choices(ladder),
                coerce=int,
                initial=item.manager_level,
            )

    def field_of(self, item):
        return self[f"agreed-{item.pk}"]

    def agreed(self) -> dict[int, int]:
        return {item.pk: self.cleaned_data[f"agreed-{item.pk}"] for item, _, _ in self.rows}


class AcknowledgeForm(forms.Form):
    comment = _note("Closing comment")
    comment.help_text = "Optional: what you take from it, or what you see differently."


class RoundForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, help_text="For example “Spring 2027”.")
    due_on = forms.DateField(
        label="Due on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    group = forms.ChoiceField(label="Who", choices=Round.Group.choices)
    role = forms.ChoiceField(label="Role", required=False, help_text="For a role's holders.")

    def __init__(self, roles, may_choose_everyone: bool, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles = {str(role.pk): role for role in roles}
        self.fields["role"].choices = [("", "—"), *((pk, r.name) for pk, r in self.roles.items())]
        if not may_choose_everyone:
            self.fields["group"].choices = [(Round.Group.REPORTS, "My reports")]
            self.fields["group"].help_text = "Managers open rounds for their reports."
            del self.fields["role"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the round a name.")
        return name

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError("A round is due today or later.")
        return due_on

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("group") == Round.Group.ROLE:
            role = self.roles.get(cleaned.get("role") or "")
            if role is None:
                self.add_error("role", "Choose the role whose holders check in.")
            cleaned["role"] = role
        else:
            cleaned["role"] = None
        return cleaned
