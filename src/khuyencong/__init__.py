"""Hệ thống thông tin quản lý chương trình khuyến công."""

__version__ = "0.1.0"
