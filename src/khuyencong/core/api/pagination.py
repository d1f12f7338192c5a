from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """``?page=2&page_size=100`` (at most 500). Responses carry ``count``, ``next``, ``previous``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
