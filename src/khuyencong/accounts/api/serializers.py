from __future__ import annotations

from rest_framework import serializers

from khuyencong.accounts.models import RoleAssignment, User
from khuyencong.core.permissions import get_scope


class RoleAssignmentSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    province_name = serializers.CharField(
        source="province.name", read_only=True, default=None, allow_null=True
    )
    organisation_name = serializers.CharField(
        source="organisation.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = RoleAssignment
        fields = [
            "id",
            "role",
            "role_display",
            "province",
            "province_name",
            "organisation",
            "organisation_name",
            "valid_from",
            "valid_until",
        ]


class UserSerializer(serializers.ModelSerializer):
    roles = RoleAssignmentSerializer(source="role_assignments", many=True, read_only=True)
    organisation_name = serializers.CharField(
        source="organisation.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "organisation",
            "organisation_name",
            "job_title",
            "language",
            "is_active",
            "last_login",
            "roles",
        ]


class ScopeSerializer(serializers.Serializer):
    national_read = serializers.BooleanField()
    national_write = serializers.BooleanField()
    is_admin = serializers.BooleanField()
    province_read = serializers.ListField(child=serializers.IntegerField())
    province_write = serializers.ListField(child=serializers.IntegerField())
    organisation_ids = serializers.ListField(child=serializers.IntegerField())


class MeSerializer(UserSerializer):
    scope = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "scope"]

    def get_scope(self, user) -> dict:
        scope = get_scope(user)
        return ScopeSerializer(
            {
                "national_read": scope.national_read,
                "national_write": scope.national_write,
                "is_admin": scope.is_admin,
                "province_read": sorted(scope.province_read),
                "province_write": sorted(scope.province_write),
                "organisation_ids": sorted(scope.organisation_ids),
            }
        ).data
