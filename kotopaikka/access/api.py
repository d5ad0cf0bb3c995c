"""`/api/v1/me/`: who am I, which roles do I hold (ids for the X-Kotopaikka-Role header); and
`/api/v1/auth/…`: API tokens (login for a token, logout of one device or all, the list)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from kotopaikka.audit.services import record_denial
from kotopaikka.core.api import ActorAPIView
from kotopaikka.core.errors import TooManyAttempts
from kotopaikka.core.parsers import BoundedJSONParser

from . import tokens
from .policy import active_assignments


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    organisation = serializers.CharField(source="organisation.code")
    organisation_name = serializers.CharField(source="organisation.name")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    acting = AssignmentSerializer()
    assignments = AssignmentSerializer(many=True)


class MeApi(ActorAPIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        data = {
            "username": request.user.get_username(),
            "acting": self.actor.assignment,
            "assignments": list(active_assignments(request.user)),
        }
        return Response(MeSerializer(data).data)


# --- API tokens (django-rest-knox; kotopaikka.access.tokens) -------------------------------------


class TokenLoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)
    device = serializers.CharField(
        max_length=tokens.DEVICE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="A name for this device or client, shown in the list of your tokens "
        "(default: the User-Agent).",
    )


class ApiTokenSerializer(serializers.Serializer):
    """A token as listed: never the token itself, nor anything derived from it."""

    id = serializers.UUIDField(help_text="Revoke this token with DELETE /api/v1/auth/tokens/{id}/.")
    device = serializers.CharField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.BooleanField(help_text="The token this request was made with.")


class TokenLoginResponseSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text='Send as "Authorization: Token <token>". Shown only here: Kotopaikka keeps '
        "only its hash."
    )
    expiry = serializers.DateTimeField()
    id = serializers.UUIDField()
    device = serializers.CharField()


class RevokedSerializer(serializers.Serializer):
    revoked = serializers.IntegerField(min_value=0, help_text="How many tokens were revoked.")


class TokenLoginApi(APIView):
    """A token for a username and password, for one device.

    Throttled (20 a minute from an address) and failed attempts lock the username out
    (django-axes, as the login page). The body is JSON only, read by the bounded parser.
    """

    authentication_classes: list = []  # a password login: no session, no CSRF, no token
    permission_classes: list = []
    parser_classes = [BoundedJSONParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
    error_statuses = ("400", "409", "413", "415", "429")

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenLoginSerializer,
        responses={200: TokenLoginResponseSerializer},
        auth=[],
    )
    def post(self, request):
        serializer = TokenLoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # DRF's request, as DRF's own token view did: axes marks a lock-out on it
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if user is None:
            if getattr(request, "axes_locked_out", False):
                raise TooManyAttempts(
                    _("Too many failed logins: try again in %(minutes)s minutes.")
                    % {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}
                )
            raise ValidationError(
                {"non_field_errors": [_("The username or the password is not correct.")]}
            )
        device = data["device"] or request.headers.get("User-Agent", "")
        instance, token = tokens.token_issue(user=user, device=device)
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        body = {
            "token": token,
            "expiry": instance.expiry,
            "id": instance.pk,
            "device": instance.device,  # as stored (cut to its length)
        }
        return Response(TokenLoginResponseSerializer(body).data)


class TokenLogoutApi(ActorAPIView):
    """Revoke the token this request is made with (this device); the others stay valid."""

    authentication_classes = [tokens.TokenAuthentication]
    error_statuses = ("401", "403", "429")

    @extend_schema(operation_id="auth_logout", request=None, responses={204: None})
    def post(self, request):
        tokens.token_revoke(user=request.user, token_id=request.auth.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenLogoutAllApi(ActorAPIView):
    """Revoke every token of the user (every device), with a token or from a session."""

    error_statuses = ("401", "403", "429")

    @extend_schema(operation_id="auth_logout_all", request=None, responses=RevokedSerializer)
    def post(self, request):
        return Response({"revoked": tokens.token_revoke_all(user=request.user)})


def _token_rows(request) -> list[dict]:
    current = getattr(request.auth, "pk", None)
    return [
        {
            "id": t.pk,
            "device": t.device,
            "created": t.created,
            "expiry": t.expiry,
            "current": t.pk == current,
        }
        for t in tokens.live_tokens(request.user)
    ]


class TokenListApi(ActorAPIView):
    """The user's own live tokens: device, created, expiry (never the token)."""

    @extend_schema(operation_id="auth_tokens_list", responses=ApiTokenSerializer(many=True))
    def get(self, request):
        return Response(ApiTokenSerializer(_token_rows(request), many=True).data)


class TokenDetailApi(ActorAPIView):
    """Revoke one of the user's own tokens by its id (another user's is a 404, audited)."""

    error_statuses = ("401", "403", "404", "429")

    @extend_schema(operation_id="auth_tokens_destroy", responses={204: None})
    def delete(self, request, token_id):
        if not tokens.token_revoke(user=request.user, token_id=token_id):
            record_denial(
                actor=self.actor,
                object_type="access.ApiToken",
                object_id=token_id,
                purpose="api_token_revoke",
            )
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)
