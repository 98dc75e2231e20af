from django import forms
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest


class FormRenderer(TemplatesSetting):
    """How every form of ours reads, set once: labels without a colon, errors beside the field."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class SearchWidget(forms.TextInput):
    """A text input that suggests as one types: HTMX fetches up to ten matches from a search
    view into the input's own <datalist>, the browser's native combobox. Without JavaScript it
    is a plain text field, and the form's field resolves the text on the server."""

    template_name = "forms/widgets/search.html"
    # Suggestions offered before anything is typed (the ones most likely wanted).
    offered: tuple[str, ...] = ()

    def get_context(self, name, value, attrs):
        return super().get_context(name, value, attrs) | {"options": self.offered}

    def suggest_from(self, url: str) -> None:
        self.attrs.update(
            {
                "autocomplete": "off",
                "data-hx-get": url,
                "data-hx-trigger": "input changed delay:250ms",
                "data-hx-swap": "innerHTML",
            }
        )


def typed(request: HttpRequest) -> str:
    """What was typed into a search field: the field sends its own value under its own name."""
    return next(iter(request.GET.values()), "").strip()


class Checkboxes(forms.CheckboxSelectMultiple):
    """Django's checkbox list, the same HTML, rendered by one template instead of three per
    option (a list of forty roles: most of the Team page's time otherwise)."""

    template_name = "forms/widgets/checkboxes.html"


def only_match(field: forms.Field, found: list, text: str, organization) -> object:
    """What a typed `text` names when it names exactly one; else the field's "unknown" or
    "several" message, beside the field."""
    if len(found) == 1:
        return found[0]
    code = "several" if found else "unknown"
    raise forms.ValidationError(
        field.error_messages[code], code=code, params={"text": text, "organization": organization}
    )
