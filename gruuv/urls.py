from django.contrib import admin
from django.urls import include, path

from abilities import views as abilities
from gruuv import views
from organizations import views as organizations

admin.site.site_header = "Gruuv administration"
admin.site.site_title = "Gruuv admin"
admin.site.index_title = "Your growth frameworks"

organization_patterns = [
    path("", abilities.organization_page, name="organization"),
    path("abilities/<slug:ability>/", abilities.ability_page, name="ability"),
    path("roles/", organizations.role_list, name="roles"),
    path("roles/<slug:role>/", organizations.role_page, name="role"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    # Organization slugs never shadow the paths above: those words are reserved.
    path("<slug:org>/", include(organization_patterns)),
]
