from django.contrib import admin
from django.urls import include, path

from backoffice import scoping as admin_scoping
from gruuv import views
from pages import (
    ability,
    ability_picker,
    accounts,
    checkins,
    conversations,
    growth,
    invitations,
    observations,
    organization_settings,
    people,
    people_picker,
    roles,
    team,
)

admin.site.site_header = "Gruuv administration"
admin.site.site_title = "Gruuv admin"
admin.site.index_title = "Your growth frameworks"

organization_patterns = [
    path("", ability.organization_page, name="organization"),
    path("abilities/<slug:ability>/", ability.ability_page, name="ability"),
    path(
        "abilities/<slug:ability>/history/",
        ability.ability_history_page,
        name="ability_history",
    ),
    path(
        "abilities/<slug:ability>/conversations/new/",
        conversations.conversation_start,
        name="conversation_start",
    ),
    path("conversations/<int:pk>/", conversations.conversation_page, name="conversation"),
    path(
        "conversations/<int:pk>/reply/",
        conversations.conversation_reply,
        name="conversation_reply",
    ),
    path(
        "conversations/<int:pk>/messages/<int:message_pk>/edit/",
        conversations.message_edit,
        name="message_edit",
    ),
    path(
        "conversations/<int:pk>/messages/<int:message_pk>/delete/",
        conversations.message_delete,
        name="message_delete",
    ),
    path("team/", team.team_page, name="team"),
    path("team/mine/", team.my_team, name="my_team"),
    path("team/invitations/", team.invite, name="invite"),
    path("team/invitations/<int:pk>/resend/", team.invitation_resend, name="invitation_resend"),
    path("team/invitations/<int:pk>/revoke/", team.invitation_revoke, name="invitation_revoke"),
    path("team/people/<str:username>/", team.member_edit, name="member_edit"),
    path("team/people/<str:username>/remove/", team.member_deactivate, name="member_deactivate"),
    path("settings/", organization_settings.organization_settings, name="organization_settings"),
    path(
        "settings/start-from/<str:example>/",
        organization_settings.start_from_example,
        name="start_from_example",
    ),
    path("roles/", roles.role_list, name="roles"),
    path("roles/<slug:role>/", roles.role_page, name="role"),
    path("search/people/", people_picker.people_search, name="people_search"),
    path("search/abilities/", ability_picker.abilities_search, name="abilities_search"),
    path("growth/", growth.my_growth, name="my_growth"),
    path("check-ins/", checkins.check_ins, name="check_ins"),
    path("check-ins/new/", checkins.check_in_new, name="check_in_new"),
    path("check-ins/rounds/new/", checkins.round_new, name="check_in_round_new"),
    path("check-ins/rounds/<int:pk>/", checkins.round_page, name="check_in_round"),
    path("check-ins/<int:pk>/", checkins.check_in_page, name="check_in"),
    path("check-ins/<int:pk>/propose/", checkins.check_in_propose, name="check_in_propose"),
    path("check-ins/<int:pk>/finalize/", checkins.check_in_finalize, name="check_in_finalize"),
    path(
        "check-ins/<int:pk>/acknowledge/",
        checkins.check_in_acknowledge,
        name="check_in_acknowledge",
    ),
    path("check-ins/<int:pk>/export.csv", checkins.check_in_export, name="check_in_export"),
    path("people/", people.people, name="people"),
    path("people/<str:username>/", people.person_page, name="person"),
    path(
        "people/<str:username>/achievements/",
        people.award_milestone,
        name="award_milestone",
    ),
    path(
        "people/<str:username>/achievements/asks/",
        people.award_asks,
        name="award_asks",
    ),
    path(
        "people/<str:username>/achievements/<int:pk>/revoke/",
        people.revoke_milestone,
        name="revoke_milestone",
    ),
    path("observations/new/", observations.observation_new, name="observation_new"),
    path(
        "observations/milestones/",
        observations.observation_milestones,
        name="observation_milestones",
    ),
    path("observations/<int:pk>/edit/", observations.observation_edit, name="observation_edit"),
    path("observations/<int:pk>/award/", observations.observation_award, name="observation_award"),
    path(
        "observations/<int:pk>/consent/",
        observations.observation_consent,
        name="observation_consent",
    ),
    path(
        "observations/<int:pk>/delete/",
        observations.observation_delete,
        name="observation_delete",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon),
    path(
        # Every address under admin/r/, so admin's own unscoped view behind it is never reached
        # ("+12" is no <int:…>, but Django's view reads it as 12).
        "admin/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(admin_scoping.view_on_site),
    ),
    path("admin/", admin.site.urls),
    path("accounts/welcome/", accounts.landing, name="landing"),
    path("accounts/profile/", accounts.profile, name="profile"),
    path("accounts/password_reset/", accounts.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation"),
    path("signup/", accounts.signup, name="signup"),
    path("signup/address/", accounts.signup_address, name="signup_address"),
    path("signup/confirm/<str:token>/", accounts.signup_confirm, name="signup_confirm"),
    # Organization slugs never shadow the paths above: those words are reserved.
    path("<slug:org>/", include(organization_patterns)),
]
