"""Our checkbox list writes exactly what Django's does, only faster."""

import pytest
from django import forms

from kit.forms import Checkboxes

CHOICES = [("1", "Builder"), ("2", "Tom & Jerry <3"), ("3", "Writer")]


@pytest.mark.parametrize("value", [[], ["2"], ["1", "3"]])
def test_the_same_html_as_django_s_checkbox_list(value):
    class Ours(forms.Form):
        roles = forms.MultipleChoiceField(choices=CHOICES, widget=Checkboxes, required=False)

    class Django(forms.Form):
        roles = forms.MultipleChoiceField(
            choices=CHOICES, widget=forms.CheckboxSelectMultiple, required=False
        )

    ours, django = (str(form(initial={"roles": value})["roles"]) for form in (Ours, Django))
    assert ours == django
    assert "Tom &amp; Jerry &lt;3" in ours
    assert ours.count("checked") == len(value)
