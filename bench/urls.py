from django.http import HttpRequest, HttpResponse
from django.urls import path

from gruuv.urls import urlpatterns as gruuv_urlpatterns
from organizations.models import Organization


def bare(request: HttpRequest) -> HttpResponse:
    """One query and a short answer: as cheap as a Django page can be."""
    exists = Organization.objects.filter(slug="medium", is_public=True).exists()
    return HttpResponse("yes" if exists else "no")


urlpatterns = [path("bench/bare/", bare), *gruuv_urlpatterns]
