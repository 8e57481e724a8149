"""URLs of the ledger area (/registrering/): grants, providers with their rates, and budgets."""

from django.urls import path

from dispo.web.views import budgets, grants_edit, ledger, providers

urlpatterns = [
    path("", ledger.index, name="ledger"),
    path("borger/<str:citizen_id>/ny-bevilling/", grants_edit.new_grant, name="ledger-grant-new"),
    path("bevilling/<str:grant_id>/ret/", grants_edit.edit_grant, name="ledger-grant-edit"),
    path("bevilling/<str:grant_id>/afslut/", grants_edit.end_grant, name="ledger-grant-end"),
    path("takstforslag/", grants_edit.rate_proposal, name="ledger-rate-proposal"),
    path("leverandoerer/", providers.provider_list, name="ledger-providers"),
    path("leverandoerer/ny/", providers.provider_new, name="ledger-provider-new"),
    path("leverandoerer/<str:provider_id>/", providers.provider_detail, name="ledger-provider"),
    path(
        "leverandoerer/<str:provider_id>/takster/<int:pk>/ret/",
        providers.provider_rate_edit,
        name="ledger-provider-rate-edit",
    ),
    path("budgetter/", budgets.budget_list, name="ledger-budgets"),
    path("budgetter/ny/", budgets.budget_new, name="ledger-budget-new"),
    path("budgetter/<int:pk>/ret/", budgets.budget_edit, name="ledger-budget-edit"),
]
