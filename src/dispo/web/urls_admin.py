"""URLs of the admin area (mounted at /administration/): users and roles, the audit log, the population table."""

from django.urls import path

from dispo.web.views import admin, population

urlpatterns = [
    path("", admin.index, name="admin-index"),
    path("brugere/", admin.users, name="admin-users"),
    path("brugere/ny/", admin.user_new, name="admin-user-new"),
    path("brugere/<int:user_id>/", admin.user_edit, name="admin-user"),
    path("brugere/<int:user_id>/ophaev-spaerring/", admin.user_unlock, name="admin-user-unlock"),
    path("revisionsspor/", admin.audit_log, name="admin-audit"),
    path("befolkning/", population.population, name="admin-population"),
]
