from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import trigger_client_event

from observations.forms import ObservationForm
from observations.models import Observation
from organizations.access import organization_for_member

CHANGED = "observationsChanged"  # the client event that refreshes lists and health badges


def _next_url(request: HttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return fallback


def _manager(request: HttpRequest, org: str):
    organization, membership = organization_for_member(request, org)
    if not membership.is_manager:
        raise PermissionDenied("Only managers and admins record observations.")
    return organization, membership


def _prefill(request: HttpRequest, organization) -> dict:
    initial = {}
    if username := request.GET.get("subject"):
        initial["subject"] = organization.memberships.filter(user__username=username).first()
    if slug := request.GET.get("ability"):
        initial["ability"] = organization.abilities.filter(slug=slug).first()
    return {key: value for key, value in initial.items() if value is not None}


@login_required
def observation_new(request: HttpRequest, org: str) -> HttpResponse:
    organization, membership = _manager(request, org)
    form = ObservationForm(
        organization, data=request.POST or None, initial=_prefill(request, organization)
    )
    form.instance.observer = membership
    template_name = "observations/observation_form.html"
    if request.htmx:
        template_name += "#observation-form"
    if request.method == "POST" and form.is_valid():
        observation = form.save()
        if not request.htmx:
            return redirect(_next_url(request, _person_url(observation)))
        # A fresh form for the next observation; the page's lists refresh themselves.
        fresh = ObservationForm(organization, initial={"ability": observation.ability})
        context = _form_context(request, organization, membership, fresh, saved=observation)
        return trigger_client_event(TemplateResponse(request, template_name, context), CHANGED)
    status = 422 if request.method == "POST" and request.htmx else 200
    context = _form_context(request, organization, membership, form)
    return TemplateResponse(request, template_name, context, status=status)


def _form_context(request, organization, membership, form, saved=None) -> dict:
    return {
        "organization": organization,
        "membership": membership,
        "form": form,
        "saved": saved,
        "next": _next_url(request, ""),
        "action": reverse("observation_new", args=[organization.slug]),
    }


def _person_url(observation: Observation) -> str:
    return reverse(
        "person", args=[observation.organization.slug, observation.subject.user.username]
    )


@login_required
def observation_milestones(request: HttpRequest, org: str) -> TemplateResponse:
    """The milestone options of the chosen ability, as the form's ability changes."""
    organization, _ = _manager(request, org)
    chosen = request.GET.get("ability", "")
    ability = organization.abilities.filter(pk=chosen).first() if chosen.isdigit() else None
    levels = list(ability.milestones.values_list("level", flat=True)) if ability else []
    return TemplateResponse(
        request, "observations/observation_form.html#milestone-options", {"levels": levels}
    )


def _own_observation(request: HttpRequest, org: str, pk: int):
    """The observer's own observation; unreadable ones are a 404, others' readable ones a 403."""
    organization, membership = organization_for_member(request, org)
    observation = get_object_or_404(
        Observation.objects.visible_to(request.user)
        .filter(organization=organization)
        .select_related("subject__user", "ability"),
        pk=pk,
    )
    if observation.observer_id != membership.pk:
        raise PermissionDenied("Only the observer changes an observation.")
    return organization, membership, observation


@login_required
def observation_edit(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    organization, membership, observation = _own_observation(request, org, pk)
    form = ObservationForm(organization, data=request.POST or None, instance=observation)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect(_next_url(request, _person_url(observation)))
    status = 422 if request.method == "POST" and request.htmx else 200
    context = _form_context(request, organization, membership, form) | {
        "action": reverse("observation_edit", args=[org, pk]),
        "observation": observation,
    }
    return TemplateResponse(request, "observations/observation_form.html", context, status=status)


@login_required
def observation_delete(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    organization, membership, observation = _own_observation(request, org, pk)
    if request.method == "POST":
        fallback = _person_url(observation)
        observation.delete()
        if request.htmx:  # the card goes; lists and health badges refresh
            return trigger_client_event(HttpResponse(""), CHANGED)
        return redirect(_next_url(request, fallback))
    context = {
        "organization": organization,
        "membership": membership,
        "observation": observation,
        "next": _next_url(request, ""),
    }
    return TemplateResponse(request, "observations/observation_confirm_delete.html", context)
