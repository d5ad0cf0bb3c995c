"""Person API (`/api/v1/persons/`): same selectors and services, so same scope and audit."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from kotopaikka.access.roles import PersonView
from kotopaikka.core.api import ActorAPIView
from kotopaikka.core.api_fields import OFFSET_MAX, BoundedDateField, ClosedSerializer, code_list

from . import merging, selectors, services
from .models import HouseholdMember, Person, PersonLanguage


class IdentifiersSerializer(ClosedSerializer):
    """`{"hetu": "…", "migri": "…", "unhcr": "…"}`: each optional, an empty value removes it;
    any other key is refused (the service checks each value)."""

    unknown_message = _("Unknown identifier types: %(names)s.")

    hetu = serializers.CharField(max_length=64, required=False, allow_blank=True)
    migri = serializers.CharField(max_length=64, required=False, allow_blank=True)
    unhcr = serializers.CharField(max_length=64, required=False, allow_blank=True)


class LanguageSerializer(serializers.Serializer):
    code = serializers.CharField(min_length=2, max_length=3, help_text="ISO 639-3 code")
    level = serializers.ChoiceField(
        choices=PersonLanguage.Level.choices, default=PersonLanguage.Level.GOOD
    )


class OtherNameSerializer(serializers.Serializer):
    value = serializers.CharField(max_length=300)
    script = serializers.CharField(max_length=4, allow_blank=True, default="")


class PersonInputSerializer(serializers.Serializer):
    given_names = serializers.CharField(max_length=200)
    family_name = serializers.CharField(max_length=200)
    date_of_birth = BoundedDateField(required=False, allow_null=True)
    birth_date_precision = serializers.ChoiceField(
        choices=Person.BirthDatePrecision.choices, default=Person.BirthDatePrecision.DAY
    )
    sex = serializers.ChoiceField(
        choices=[("", ""), *Person.Sex.choices], required=False, default=""
    )
    identifiers = IdentifiersSerializer(required=False, default=dict)
    nationalities = code_list(5, min_length=3, max_length=3, help_text="ISO 3166 alpha-3 code")
    languages = LanguageSerializer(many=True, required=False, default=list, max_length=20)
    other_names = OtherNameSerializer(many=True, required=False, default=list, max_length=20)
    confirm_possible_duplicate = serializers.BooleanField(required=False, default=False)

    @staticmethod
    def to_changes(validated: dict) -> dict:
        """Map API fields onto `PersonData` field names (only those sent). A PATCH validates
        with `partial=True`, where DRF applies no defaults inside nested items either, so each
        optional nested key is read with its default here."""
        changes: dict = {}
        for name in (
            "given_names",
            "family_name",
            "date_of_birth",
            "birth_date_precision",
            "sex",
            "nationalities",
        ):
            if name in validated:
                changes[name] = validated[name]
        if "identifiers" in validated:
            changes["identifiers"] = [
                (k, v) for k, v in sorted(validated["identifiers"].items()) if v
            ]
        if "languages" in validated:
            changes["languages"] = [
                (lang["code"], lang.get("level", PersonLanguage.Level.GOOD))
                for lang in validated["languages"]
            ]
        if "other_names" in validated:
            changes["other_names"] = [
                (n["value"], n.get("script", "")) for n in validated["other_names"]
            ]
        return changes


class PersonListItemSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    given_names = serializers.CharField()
    family_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    municipality = serializers.CharField(source="municipality.code", default=None, allow_null=True)


class PersonPageSerializer(serializers.Serializer):
    """`GET /persons/`: the number of persons that match, and one page of them."""

    count = serializers.IntegerField(min_value=0)
    results = PersonListItemSerializer(many=True)


class PersonCompensationSerializer(PersonListItemSerializer):
    identifiers = serializers.SerializerMethodField()

    def get_identifiers(self, person) -> dict[str, str]:
        return {i.kind: i.value for i in person.identifiers.all()}


class HouseholdMemberSerializer(serializers.Serializer):
    """A household member as the caller may see them (`selectors.Relative`): a member outside
    the caller's scope has no id (`person` null, `in_scope` false)."""

    person = serializers.UUIDField(source="person.pk", allow_null=True, default=None)
    relation = serializers.ChoiceField(choices=HouseholdMember.Relation.choices)
    relation_label = serializers.CharField()
    in_scope = serializers.BooleanField()


class PersonDetailSerializer(PersonCompensationSerializer):
    birth_date_precision = serializers.ChoiceField(choices=Person.BirthDatePrecision.choices)
    sex = serializers.ChoiceField(choices=[("", ""), *Person.Sex.choices])
    nationalities = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    other_names = serializers.SerializerMethodField()
    household = serializers.SerializerMethodField()
    regional_authority = serializers.CharField(
        source="regional_authority.code", default=None, allow_null=True
    )
    reception_centre = serializers.CharField(
        source="reception_centre.code", default=None, allow_null=True
    )
    is_synthetic = serializers.BooleanField()

    def get_nationalities(self, person) -> list[str]:
        return sorted(n.country for n in person.nationalities.all())

    @extend_schema_field(LanguageSerializer(many=True))
    def get_languages(self, person) -> list[dict]:
        return [{"code": lang.language, "level": lang.level} for lang in person.languages.all()]

    @extend_schema_field(OtherNameSerializer(many=True))
    def get_other_names(self, person) -> list[dict]:
        return [{"value": n.value, "script": n.script} for n in person.other_names.all()]

    @extend_schema_field(HouseholdMemberSerializer(many=True))
    def get_household(self, person) -> list[dict]:
        return HouseholdMemberSerializer(getattr(person, "relatives", []), many=True).data


def _detail_serializer(actor):
    return (
        PersonDetailSerializer
        if actor.person_view is PersonView.FULL
        else PersonCompensationSerializer
    )


class PersonListParamsSerializer(serializers.Serializer):
    search = serializers.CharField(
        max_length=100,
        required=False,
        default="",
        allow_blank=True,
        help_text=(
            "Words of a name, tolerant of transliteration (Mohammed Al-Hassan finds Muhammad "
            "Alhassan, also through other forms of the name; best matches first), an exact "
            "identifier, or a date of birth (2001-02-03 or 3.2.2001); a person must match "
            "every kind given."
        ),
    )
    date_of_birth = BoundedDateField(
        required=False,
        default=None,
        allow_null=True,
        help_text="Born on this day (persons whose date is known only to the month or year "
        "match a day in it).",
    )
    limit = serializers.IntegerField(min_value=1, max_value=500, default=50)
    offset = serializers.IntegerField(min_value=0, max_value=OFFSET_MAX, default=0)


class PersonListApi(ActorAPIView):
    @extend_schema(
        operation_id="persons_list",
        parameters=[PersonListParamsSerializer],
        responses=PersonPageSerializer,
    )
    def get(self, request):
        page = selectors.person_list(actor=self.actor, **self.query(PersonListParamsSerializer))
        return Response(
            {"count": page.total, "results": PersonListItemSerializer(page.persons, many=True).data}
        )

    @extend_schema(request=PersonInputSerializer, responses={201: PersonDetailSerializer})
    def post(self, request):
        serializer = PersonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = services.person_create(
            actor=self.actor,
            data=services.PersonData(**PersonInputSerializer.to_changes(serializer.validated_data)),
            confirm_possible_duplicate=serializer.validated_data["confirm_possible_duplicate"],
        )
        person = selectors.person_get(
            actor=self.actor, person_id=person.pk, purpose="api_create_response"
        )
        return Response(_detail_serializer(self.actor)(person).data, status=status.HTTP_201_CREATED)


class PersonDetailApi(ActorAPIView):
    @extend_schema(responses=PersonDetailSerializer)
    def get(self, request, person_id):
        person = selectors.person_get(actor=self.actor, person_id=person_id)
        return Response(_detail_serializer(self.actor)(person).data)

    @extend_schema(request=PersonInputSerializer, responses=PersonDetailSerializer)
    def patch(self, request, person_id):
        serializer = PersonInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = PersonInputSerializer.to_changes(
            {k: v for k, v in serializer.validated_data.items() if k in request.data}
        )
        services.person_update(actor=self.actor, person_id=person_id, changes=changes)
        person = selectors.person_get(
            actor=self.actor, person_id=person_id, purpose="api_update_response"
        )
        return Response(_detail_serializer(self.actor)(person).data)

    @extend_schema(responses={204: None})
    def delete(self, request, person_id):
        services.person_delete(actor=self.actor, person_id=person_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HouseholdLinkSerializer(serializers.Serializer):
    relative = serializers.UUIDField()
    relation = serializers.ChoiceField(choices=HouseholdMember.Relation.choices)


class PersonHouseholdApi(ActorAPIView):
    @extend_schema(request=HouseholdLinkSerializer, responses=HouseholdMemberSerializer(many=True))
    def post(self, request, person_id):
        serializer = HouseholdLinkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        household = services.household_link(
            actor=self.actor,
            person_id=person_id,
            relative_id=serializer.validated_data["relative"],
            relation=serializer.validated_data["relation"],
        )
        members = selectors.household_members(self.actor, household)
        return Response(HouseholdMemberSerializer(members, many=True).data)

    @extend_schema(responses={204: None})
    def delete(self, request, person_id):
        services.household_unlink(actor=self.actor, person_id=person_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccessLogEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    actor_username = serializers.CharField()
    organisation_code = serializers.CharField()
    role = serializers.CharField()
    action = serializers.CharField(help_text="create, view, list, update, delete, export, denied…")
    fields = serializers.ListField(child=serializers.CharField())
    channel = serializers.CharField()
    request_id = serializers.CharField()


class PersonAccessLogApi(ActorAPIView):
    @extend_schema(responses=AccessLogEventSerializer(many=True))
    def get(self, request, person_id):
        _person, events = selectors.person_access_log(actor=self.actor, person_id=person_id)
        return Response(AccessLogEventSerializer(events, many=True).data)


class MergeInputSerializer(serializers.Serializer):
    duplicate = serializers.UUIDField(
        help_text="The record merged into the one in the path (kept as a tombstone)."
    )


class MergeSerializer(serializers.Serializer):
    """A merge of a duplicate record into the record kept: ids and counts, no personal data."""

    id = serializers.UUIDField()
    survivor = serializers.UUIDField(source="survivor_id", help_text="The record kept.")
    merged = serializers.UUIDField(
        source="merged_id", help_text="The record merged into it (now a tombstone)."
    )
    merged_at = serializers.DateTimeField()
    merged_by = serializers.CharField()
    moved = serializers.SerializerMethodField(
        help_text="How many rows of each kind moved to the record kept."
    )

    def get_moved(self, merge) -> dict[str, int]:
        return merging.counts(merge.moves)


class PersonMergeApi(ActorAPIView):
    @extend_schema(
        operation_id="persons_merge",
        summary="Merge a duplicate record into this one",
        description=(
            "Moves every history entry and link of the `duplicate` record into the record in "
            "the path, which is kept: the duplicate's name becomes one of its other names; "
            "identifiers, languages, nationalities, household membership, timeline, "
            "placement case membership and move notices move; the integration client record "
            "moves if only the duplicate has one. The duplicate is kept as a tombstone "
            "marked merged (a 404 from then on), so audit events naming it still resolve. "
            "One transaction, one audit event naming both persons. Municipal supervisors "
            "merge persons of their municipality; system administrators of KEHA or the "
            "ministry any two records (by id). A system administrator can undo the merge. "
            "409 `merge_refused` with `reasons` when the records conflict (both are "
            "integration clients, both members of a placement case, different identifiers "
            "of one kind, two households)."
        ),
        request=MergeInputSerializer,
        responses={200: MergeSerializer},
    )
    def post(self, request, person_id):
        serializer = MergeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        merge = merging.person_merge(
            actor=self.actor,
            survivor_id=person_id,
            merged_id=serializer.validated_data["duplicate"],
        )
        return Response(MergeSerializer(merge).data)


class PseudonymisedRowSerializer(serializers.Serializer):
    pseudonym = serializers.CharField()
    birth_year = serializers.IntegerField(allow_null=True)
    sex = serializers.ChoiceField(choices=[("", ""), *Person.Sex.choices])
    municipality_code = serializers.CharField()
    nationalities = serializers.ListField(child=serializers.CharField())


class PseudonymisedListApi(ActorAPIView):
    @extend_schema(responses=PseudonymisedRowSerializer(many=True))
    def get(self, request):
        rows = selectors.pseudonymised_person_list(actor=self.actor)
        return Response(PseudonymisedRowSerializer(rows, many=True).data)
