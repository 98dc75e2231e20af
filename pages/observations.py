from functools import cached_property

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from checkins.models import Citation, Grounds
from checkins.workflow import Refused, award_from_observation
from freshness.table import organization_version
from kit.fragments import cached_html, fragment_key
from observations.models import Observation
from organizations.access import (
    may_award_milestones,
    may_change_observation,
    may_consent_to_public,
    may_record_observations,
    members_only,
    organization_for_member,
    require,
)
from organizations.models import Organization
from pages.ability_picker import find
from pages.ability_sections import refreshed, shown_from
from pages.forms.observation import ObservationForm
from pages.rendering import out_of_band, render

ABILITY_PAGE = "abilities/ability.html"
FORM_TEMPLATE = "observations/observation_form.html"


def _next_url(request: HttpRequest, fallback: str) -> str:
    """Where to go after a save or a delete: `next` if it is a path on this site, else
    `fallback`. Only a path starting with "/" counts: `redirect()` would take "thanks" for the
    name of a view, and fail after the write."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, request.is_secure()
    ):
        return candidate
    return fallback


def _recorder(request: HttpRequest, org: str):
    organization, membership = organization_for_member(request, org)
    require(may_record_observations(membership), "Only managers and admins record observations.")
    return organization, membership


def observation_form_context(
    request: HttpRequest,
    organization: Organization,
    form: ObservationForm,
    *,
    next_url: str = "",
    saved: Observation | None = None,
) -> dict:
    """The `record-observation` partial's context, wherever the form is shown. A blank form
    (as every visit of an ability page shows it) is kept rendered: per version of the
    organization (its people and abilities), of the ability it starts with, and per day (its
    date and help text)."""
    return {
        "form": form,
        "form_html": cached_html(_blank_form_key(organization, form), form.render),
        "saved_notice": saved_notice(saved, linked=True) if saved else None,
        "next": next_url or _next_url(request, ""),
        "action": reverse("observation_new", args=[organization.slug]),
    }


class BlankForm:
    """A blank observation form with these initial values, built only if it is rendered (a
    kept one is not): its key needs only the values, and a blank form has no errors."""

    errors: dict = {}
    is_bound = False

    def __init__(self, organization: Organization, initial: dict):
        self.organization, self.initial = organization, initial

    @cached_property
    def form(self) -> ObservationForm:
        return ObservationForm(self.organization, initial=self.initial)

    def render(self) -> SafeString:
        return self.form.render()

    __html__ = __str__ = render


def _blank_form_key(organization: Organization, form) -> str | None:
    if not isinstance(form, BlankForm):
        return None  # errors, or an observation's own values: rendered as they are
    initial = {name: getattr(value, "pk", value) for name, value in form.initial.items()}
    ability = form.initial.get("ability")
    return fragment_key(
        "observation-form",
        *organization_version(organization),
        sorted(initial.items()),
        ability.updated_at.isoformat() if ability else None,  # its milestone options
        timezone.localdate().isoformat(),
    )


def _prefill(request: HttpRequest, organization: Organization) -> dict:
    initial = {}
    if username := request.GET.get("subject"):
        initial["subject"] = organization.memberships.filter(user__username=username).first()
    if slug := request.GET.get("ability"):
        initial["ability"] = organization.abilities.filter(slug=slug).first()
    return {key: value for key, value in initial.items() if value is not None}


@members_only
def observation_new(request: HttpRequest, org: str) -> HttpResponse:
    organization, membership = _recorder(request, org)
    form = ObservationForm(
        organization, data=request.POST or None, initial=_prefill(request, organization)
    )
    form.instance.observer = membership
    saved = None
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        if not request.htmx:  # the same notice as in place, on the page it goes back to
            messages.success(request, saved_notice(saved))
            return redirect(_next_url(request, _person_url(saved)))
        # A fresh form for the next observation.
        form = ObservationForm(organization, initial={"ability": saved.ability})
    context = {"organization": organization, "membership": membership}
    context |= observation_form_context(request, organization, form, saved=saved)
    out_of_band = []
    if saved and shown_from(request, organization, saved.ability):
        # On the ability's page: its list and badges in the same answer, not fetched after it.
        context |= refreshed(request, organization, saved.ability_id)
        out_of_band = [f"{ABILITY_PAGE}#health", f"{ABILITY_PAGE}#observations"]
    response = render(
        request, FORM_TEMPLATE, context, partial="record-observation",
        invalid=bool(form.errors), out_of_band=out_of_band,
    )  # fmt: skip
    return response


def _after_delete(request, organization, membership, observation) -> HttpResponse:
    """Nothing in the card's place; on its ability's page, the list and badges as they are now."""
    if not shown_from(request, organization, observation.ability):
        return HttpResponse("")
    context = {"organization": organization, "membership": membership}
    context |= refreshed(request, organization, observation.ability_id)
    return HttpResponse(out_of_band(request, ABILITY_PAGE, ["health", "observations"], context))


def saved_notice(observation: Observation, *, linked: bool = False) -> SafeString:
    """The one wording of a recorded observation's notice: in place (the person's name linked
    to their page) and as the message on the page a plain form post goes back to."""
    person = observation.subject.user
    if linked:
        person = format_html('<a href="{}">{}</a>', _person_url(observation), person)
    return format_html("Saved your observation of {} using {}.", person, observation.ability.name)


def _person_url(observation: Observation) -> str:
    return reverse(
        "person", args=[observation.organization.slug, observation.subject.user.username]
    )


@members_only
def observation_milestones(request: HttpRequest, org: str) -> TemplateResponse:
    """The milestone options of the chosen ability, as the form's ability changes."""
    organization, _ = _recorder(request, org)
    found = find(organization.abilities.all(), request.GET.get("ability", ""))
    ability = found[0] if len(found) == 1 else None
    levels = list(ability.milestones.values_list("level", flat=True)) if ability else []
    return render(request, f"{FORM_TEMPLATE}#milestone-options", {"levels": levels})


def _readable_observation(request: HttpRequest, org: str, pk: int):
    """An observation of the organization the visitor may read; any other is a 404."""
    organization, membership = organization_for_member(request, org)
    observation = get_object_or_404(
        Observation.objects.visible_to(request.user)
        .filter(organization=organization)
        .select_related("subject__user", "ability"),
        pk=pk,
    )
    return organization, membership, observation


def _own_observation(request: HttpRequest, org: str, pk: int):
    """The observer's own observation; unreadable ones are a 404, others' readable ones a 403."""
    organization, membership, observation = _readable_observation(request, org, pk)
    require(
        may_change_observation(membership, observation),
        "Only the observer changes an observation.",
    )
    return organization, membership, observation


@members_only
def observation_edit(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    organization, membership, observation = _own_observation(request, org, pk)
    form = ObservationForm(organization, data=request.POST or None, instance=observation)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect(_next_url(request, _person_url(observation)))
    context = {"organization": organization, "membership": membership}
    context |= observation_form_context(request, organization, form) | {
        "action": reverse("observation_edit", args=[org, pk]),
        "observation": observation,
    }
    return render(request, FORM_TEMPLATE, context, invalid=bool(form.errors))


@members_only
@require_POST
def observation_consent(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """The person observed agrees to show a Public observation publicly, or withdraws; then back
    to the page they were on."""
    organization, membership = organization_for_member(request, org)
    observation = get_object_or_404(
        Observation.objects.visible_to(request.user).filter(organization=organization), pk=pk
    )
    require(
        may_consent_to_public(membership, observation),
        "Only the person observed decides whether a Public observation is shown publicly.",
    )
    agree = request.POST.get("consent") == "agree"
    observation.publicly_recognized_at = timezone.now() if agree else None
    observation.save(update_fields=["publicly_recognized_at"])
    messages.success(
        request,
        "It shows on the public ability page now."
        if agree
        else "It no longer shows publicly; everyone at the organization still reads it.",
    )
    return redirect(_next_url(request, _person_url(observation)))


@members_only
@require_POST
def observation_award(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """Award the milestone an observation saw the person at, in one step, resting on it."""
    _, membership, observation = _readable_observation(request, org, pk)
    require(
        may_award_milestones(membership, observation.subject),
        "The person's managers and the admins award their milestones.",
    )
    if not observation.level:
        messages.error(request, "This observation names no milestone to award.")
    else:
        try:
            award_from_observation(observation, membership)
        except Refused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                f"{observation.subject.user} holds {observation.ability.name} milestone "
                f"{observation.level} now, resting on this observation.",
            )
    return redirect(_next_url(request, _person_url(observation)))


@members_only
def observation_delete(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    organization, membership, observation = _own_observation(request, org, pk)
    # Evidence a check-in or an award rests on stays (the database refuses it too: RESTRICT).
    rests = (
        Citation.objects.filter(observation=observation).exists()
        or Grounds.objects.filter(observation=observation).exists()
    )
    if request.method == "POST" and rests:
        messages.error(request, RESTS_ON_IT)
        if request.htmx:
            return HttpResponseClientRedirect(_next_url(request, _person_url(observation)))
        return redirect(_next_url(request, _person_url(observation)))
    if request.method == "POST":
        fallback = _person_url(observation)
        observation.delete()
        if request.htmx:  # the card goes; on its ability's page, the list and badges with it
            return _after_delete(request, organization, membership, observation)
        return redirect(_next_url(request, fallback))
    context = {
        "organization": organization,
        "membership": membership,
        "observation": observation,
        "next": _next_url(request, ""),
        "rests_on_it": RESTS_ON_IT if rests else "",
    }
    return render(request, "observations/observation_confirm_delete.html", context)


RESTS_ON_IT = (
    "A check-in or an award rests on this observation, so it stays. To hide it, edit who may "
    "read it."
)
