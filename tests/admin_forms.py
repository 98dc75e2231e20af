"""Fill a Django admin change form as a browser would, from the page's own forms."""


def _form_fields(form) -> dict:
    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        data[bound.html_name] = value
    return data


def admin_form_data(response) -> dict:
    """The POST data that re-submits an admin add/change page unchanged."""
    data = _form_fields(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_fields(formset.management_form))
        for form in formset.forms:
            data.update(_form_fields(form))
    return data
