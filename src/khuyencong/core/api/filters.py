"""The API's filter backend: filter sets generated from ``filterset_fields`` read ids and numbers
through the core parsers, so a bad value answers 400 naming the parameter."""

from django_filters.rest_framework import DjangoFilterBackend

from khuyencong.core.filters import SafeAPIFilterSet


class FilterBackend(DjangoFilterBackend):
    filterset_base = SafeAPIFilterSet
