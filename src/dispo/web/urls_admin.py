"""URLs of the admin area (mounted at /administration/): users and roles, the audit log."""

from django.urls import path

from dispo.web.views import admin

urlpatterns = [
    path("", admin.index, name="admin-index"),
    path("brugere/", admin.users, name="admin-users"),
    path("brugere/ny/", admin.user_new, name="admin-user-new"),
    path("brugere/<int:user_id>/", admin.user_edit, name="admin-user"),
    path("brugere/<int:user_id>/ophaev-spaerring/", admin.user_unlock, name="admin-user-unlock"),
    path("revisionsspor/", admin.audit_log, name="admin-audit"),
]
