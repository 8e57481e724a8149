"""Providers and their rate lists in the browser.

Everyone may read the list and a provider's rates; administrators and controllers add providers and rates. The
grants that use a provider are person-level data: each role sees the ones `Grant.objects.visible_to` allows
(analysts only how many there are), and every such page is written to the audit log.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from dispo.services import providers as provider_services
from dispo.store.access import SEES_EVERY_CITIZEN, Role, roles_of
from dispo.store.models import AuditEntry, Grant, Provider, ProviderRate
from dispo.web.forms import ProviderForm, ProviderRateEndForm, ProviderRateForm
from dispo.web.views.common import require_role

MASTER_DATA = (Role.ADMINISTRATOR, Role.CONTROLLER)
PER_PAGE = 50
GRANTS_SHOWN = 100


def _may_edit(request: HttpRequest) -> bool:
    return bool(roles_of(request.user) & set(MASTER_DATA))


def _sees_persons(request: HttpRequest) -> bool:
    """Whether the user's roles show any citizen at all (an analyst's do not)."""
    return bool(roles_of(request.user) & (SEES_EVERY_CITIZEN | {Role.LEADER, Role.CASEWORKER}))


@login_required
def provider_list(request: HttpRequest) -> HttpResponse:
    require_role(request, *Role)
    query, kind = request.GET.get("q", "").strip(), request.GET.get("type", "")
    page = Paginator(provider_services.search(query, kind), PER_PAGE).get_page(request.GET.get("side"))
    context = {
        "page": page,
        "query": query,
        "kind": kind,
        "types": Provider.Type.choices,
        "may_edit": _may_edit(request),
    }
    return render(request, "dispo/ledger/providers.html", context)


@login_required
def provider_new(request: HttpRequest) -> HttpResponse:
    require_role(request, *MASTER_DATA)
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = provider_services.create_provider(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("ledger-provider", provider.provider_id)
    return render(request, "dispo/ledger/provider_form.html", {"form": form})


@login_required
def provider_detail(request: HttpRequest, provider_id: str) -> HttpResponse:
    """The provider, its rate list with validity periods, a form for a new rate, and the grants using it."""
    require_role(request, *Role)
    provider = get_object_or_404(Provider, provider_id=provider_id)
    may_edit = _may_edit(request)
    form = ProviderRateForm(request.POST or None, provider=provider)
    if request.method == "POST":
        require_role(request, *MASTER_DATA)
        if form.is_valid():
            try:
                provider_services.add_rate(provider, form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(reverse("ledger-provider", args=[provider_id]) + "#takster")
    context = {
        "provider": provider,
        "rates": [
            (rate, provider_services.paragraph_text(rate), provider_services.describe(rate))
            for rate in provider.rates.all()
        ],
        "form": form if may_edit else None,
        "may_edit": may_edit,
        "grant_count": provider.grants.count(),
    }
    if _sees_persons(request):
        grants = list(
            Grant.objects.visible_to(request.user)
            .filter(provider=provider)
            .select_related("citizen")
            .order_by("-start", "grant_id")[:GRANTS_SHOWN]
        )
        AuditEntry.record(request, "leverandoer-bevillinger", sorted({g.citizen.citizen_id for g in grants}))
        context["grants"] = grants
    return render(request, "dispo/ledger/provider.html", context)


@login_required
def provider_rate_edit(request: HttpRequest, provider_id: str, pk: int) -> HttpResponse:
    """Set the last day a rate holds, e.g. the day before next year's takst begins."""
    require_role(request, *MASTER_DATA)
    rate = get_object_or_404(ProviderRate.objects.select_related("provider"), pk=pk, provider__provider_id=provider_id)
    form = ProviderRateEndForm(request.POST or None, initial={"valid_to": rate.valid_to})
    if request.method == "POST" and form.is_valid():
        try:
            provider_services.change_rate_end(rate, form.cleaned_data["valid_to"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(reverse("ledger-provider", args=[provider_id]) + "#takster")
    context = {"provider": rate.provider, "rate": rate, "described": provider_services.describe(rate), "form": form}
    return render(request, "dispo/ledger/provider_rate_form.html", context)
