from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """How every form of ours reads, set once: labels without a colon, errors beside the field."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
