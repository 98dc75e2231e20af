from django.contrib import admin
from django.urls import include, path

from gruuv import views

admin.site.site_header = "Gruuv administration"
admin.site.site_title = "Gruuv admin"
admin.site.index_title = "Your growth frameworks"

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
]
