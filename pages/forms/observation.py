from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from milestones.models import LEVELS
from observations.models import Observation
from organizations.models import Organization
from pages.ability_picker import AbilityField
from pages.people_picker import PersonField


class ObservationForm(forms.ModelForm):
    subject = PersonField(
        label="Person", help_text="Start typing a name; or give a username or an email."
    )
    ability = AbilityField(label="Ability", help_text="Start typing its name.")
    level = forms.TypedChoiceField(
        label="Milestone",
        choices=[("", "No particular milestone"), *LEVELS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    observed_on = forms.DateField(
        label="Observed on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    story = forms.CharField(
        label="What happened", max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    privacy = forms.ChoiceField(
        label="Who may read it",
        help_text="Managers are the person's managers up their reporting line, and the admins. "
        "“Me and managers” is hidden from the person observed. “Public” shows on the public "
        "ability page only once the person observed agrees; until then it reads as everyone "
        "at the organization.",
        choices=Observation.Privacy.choices,
        initial=Observation.Privacy.OBSERVED_AND_MANAGERS,
    )

    class Meta:
        model = Observation
        fields = ["subject", "ability", "level", "story", "observed_on", "privacy"]

    def __init__(self, organization: Organization, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        self.fields["subject"].for_organization(organization, organization.memberships.active())
        self.fields["ability"].for_organization(organization)
        # The milestone options follow the chosen ability.
        self.fields["level"].widget.attrs.update(
            {
                "data-hx-get": reverse("observation_milestones", args=[organization.slug]),
                "data-hx-trigger": "change from:#id_ability",
                "data-hx-include": "#id_ability",
                "data-hx-target": "this",  # not the form's own target, inherited otherwise
                "data-hx-swap": "innerHTML",
            }
        )
        today = timezone.localdate()
        self.fields[
            "observed_on"
        ].help_text = f"The day you saw it, today at the latest ({date_format(today, 'j M Y')})."
        if not self.instance.pk:
            self.fields["observed_on"].initial = timezone.localdate

    # A change of what it says asks the person observed again before it is public.
    CONSENTED_TO = {"subject", "ability", "level", "story", "observed_on", "privacy"}

    def save(self, commit: bool = True) -> Observation:
        if self.instance.pk and self.CONSENTED_TO & set(self.changed_data):
            self.instance.publicly_recognized_at = None
        return super().save(commit)

    def clean_story(self) -> str:
        story = self.cleaned_data["story"].strip()
        if not story:
            raise forms.ValidationError("Tell what happened.")
        return story

    def clean(self):
        cleaned = super().clean()
        ability, level = cleaned.get("ability"), cleaned.get("level")
        if ability and level and not ability.milestones.filter(level=level).exists():
            self.add_error("level", f"{ability.name} has no milestone {level}.")
        return cleaned


MESSAGE_MAX_LENGTH = 10_000


def _message_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write a message first.",
            "max_length": "Keep a message under %(limit_value)d characters "
            "(it has %(show_value)d).",
        },
    )


class ConversationForm(forms.Form):
    topic = forms.CharField(label="Topic", max_length=200)
    body = _message_field("First message")


class MessageForm(forms.Form):
    body = _message_field("Message")
