"""Merging a duplicate person record into the record kept, and undoing the merge.

The merge keeps every history entry and every audit link (the merged record stays as a
tombstone, the kept record's access log shows the merged one's events), is audited naming
both persons, keeps to the actor's scope, refuses what cannot be one record, and a system
administrator can undo it from the stored record of what moved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from kotopaikka.access.roles import Role
from kotopaikka.audit.models import AuditEvent
from kotopaikka.people import merging, selectors, services
from kotopaikka.people.errors import PersonNotFound
from kotopaikka.people.models import Person, PersonEvent, PersonMerge
from kotopaikka.placement import services as placement
from kotopaikka.placement.models import CaseMember

pytestmark = pytest.mark.django_db
BORN = dt.date(1990, 5, 17)


@pytest.fixture
def kept(helsinki_worker, make_person):
    """A: Mohammed Al-Hassan of Helsinki."""
    return make_person(
        helsinki_worker,
        given_names="Mohammed",
        family_name="Al-Hassan",
        date_of_birth=BORN,
        nationalities=["AFG"],
        languages=[("prs", "native")],
        other_names=[("محمد الحسن", "Arab")],
    )


@pytest.fixture
def duplicate(helsinki_worker, make_person):
    """B: the same man registered again as Muhammad Alhassan, with a Migri number, another
    nationality and language, a household with his daughter, and some history."""
    b = make_person(
        helsinki_worker,
        given_names="Muhammad",
        family_name="Alhassan",
        date_of_birth=BORN,
        identifiers=[("migri", "123456")],
        nationalities=["AFG", "SYR"],
        languages=[("ara", "native"), ("prs", "good")],
        other_names=[("Mohamad Hasan", "")],
    )
    daughter = make_person(
        helsinki_worker,
        given_names="Amina",
        family_name="Alhassan",
        date_of_birth=dt.date(2015, 3, 1),
    )
    services.household_link(
        actor=helsinki_worker, person_id=b.pk, relative_id=daughter.pk, relation="child"
    )
    services.person_update(actor=helsinki_worker, person_id=b.pk, changes={"sex": "male"})
    selectors.person_get(actor=helsinki_worker, person_id=b.pk)  # a read naming B
    b.daughter = daughter
    return b


def _merge(actor, a, b):
    return merging.person_merge(actor=actor, survivor_id=a.pk, merged_id=b.pk)


def test_the_merge_keeps_every_history_entry(kept, duplicate, helsinki_supervisor):
    b_events = set(duplicate.events.values_list("pk", flat=True))
    assert len(b_events) >= 2  # registered, updated

    _merge(helsinki_supervisor, kept, duplicate)

    kept.refresh_from_db()
    assert sorted(kept.other_names.values_list("value", flat=True)) == sorted(
        ["محمد الحسن", "Mohamad Hasan", "Muhammad Alhassan"]
    )
    assert sorted(kept.identifiers.values_list("kind", flat=True)) == ["hetu", "migri"]
    assert kept.identifiers.get(kind="migri").value == "123456"
    assert sorted(kept.nationalities.values_list("country", flat=True)) == ["AFG", "SYR"]
    assert dict(kept.languages.values_list("language", "level")) == {
        "prs": "native",  # the kept record's own level wins
        "ara": "native",
    }
    membership = kept.household_membership
    assert membership.relation == "head"
    assert {m.person_id for m in membership.household.members.all()} == {
        kept.pk,
        duplicate.daughter.pk,
    }
    assert b_events <= set(kept.events.values_list("pk", flat=True))
    assert kept.events.filter(kind=PersonEvent.Kind.MERGED).exists()

    tombstone = Person.objects.get(pk=duplicate.pk)  # kept, not deleted
    assert tombstone.merged_into_id == kept.pk
    assert tombstone.events.get().kind == PersonEvent.Kind.MERGED_INTO


def test_the_merged_record_disappears_from_lists_searches_and_duplicates(
    kept, duplicate, helsinki_supervisor, helsinki_worker, client_for
):
    _merge(helsinki_supervisor, kept, duplicate)
    listed = selectors.person_list(actor=helsinki_worker, limit=500).persons
    assert duplicate.pk not in {p.pk for p in listed}
    found = selectors.person_list(actor=helsinki_worker, search="Muhammad Alhassan").persons
    assert [p.pk for p in found] == [kept.pk]  # through the other name B's name became
    assert selectors.possible_duplicates(actor=helsinki_supervisor) == []
    client = client_for(helsinki_worker)
    api = client.get(reverse("api-person-detail", kwargs={"person_id": duplicate.pk}))
    assert api.status_code == 404
    page = client.get(reverse("people:detail", kwargs={"person_id": duplicate.pk}))
    assert page.status_code == 302 and page["Location"] == f"/persons/{kept.pk}/"


def test_the_merged_records_audit_events_resolve_and_show_in_the_kept_ones_log(
    kept, duplicate, helsinki_supervisor, client_for
):
    b_reads = set(
        AuditEvent.objects.filter(person_id=duplicate.pk, action="read").values_list(
            "seq", flat=True
        )
    )
    assert b_reads
    _merge(helsinki_supervisor, kept, duplicate)
    _person, events = selectors.person_access_log(actor=helsinki_supervisor, person_id=kept.pk)
    assert b_reads <= {e.seq for e in events}
    assert Person.objects.filter(pk=duplicate.pk).exists()  # every event naming B resolves
    page = client_for(helsinki_supervisor).get(
        reverse("people:access_log", kwargs={"person_id": kept.pk})
    )
    assert page.status_code == 200


def test_the_merge_is_one_audit_event_naming_both(kept, duplicate, helsinki_supervisor, audit_mark):
    before = audit_mark()
    merge = _merge(helsinki_supervisor, kept, duplicate)
    event = AuditEvent.objects.get(seq__gt=before, detail__operation="merge")
    assert event.action == "update" and event.person_id == kept.pk
    assert set(event.subject_ids.split()) == {str(kept.pk), str(duplicate.pk)}
    assert event.detail["merge"] == str(merge.pk)
    assert event.detail["moved"]["identifiers"] == 1 and event.detail["moved"]["household"] == 1
    assert event.actor_username == "helsinki_supervisor"
    assert "Alhassan" not in str(event.detail)  # ids and counts, no names


def test_undoing_the_merge_restores_both_records(kept, duplicate, helsinki_supervisor, sysadmin):
    def snapshot(person):
        person = Person.objects.get(pk=person.pk)
        return {
            "names": sorted(person.other_names.values_list("pk", flat=True)),
            "identifiers": sorted(person.identifiers.values_list("pk", flat=True)),
            "nationalities": sorted(person.nationalities.values_list("pk", flat=True)),
            "languages": sorted(person.languages.values_list("pk", flat=True)),
            "events": sorted(person.events.values_list("pk", flat=True)),
            "household": getattr(getattr(person, "household_membership", None), "pk", None),
        }

    before_a, before_b = snapshot(kept), snapshot(duplicate)
    merge = _merge(helsinki_supervisor, kept, duplicate)
    result = merging.person_unmerge(actor=sysadmin, merge_id=merge.pk)
    assert result.missing == {}
    after_a, after_b = snapshot(kept), snapshot(duplicate)
    new_events = {
        "events": sorted(
            PersonEvent.objects.filter(
                kind__in=[
                    PersonEvent.Kind.MERGED,
                    PersonEvent.Kind.MERGED_INTO,
                    PersonEvent.Kind.UNMERGED,
                ]
            ).values_list("pk", flat=True)
        )
    }
    assert {
        **after_a,
        "events": [e for e in after_a["events"] if e not in new_events["events"]],
    } == before_a
    assert {
        **after_b,
        "events": [e for e in after_b["events"] if e not in new_events["events"]],
    } == before_b
    assert Person.objects.get(pk=duplicate.pk).merged_into_id is None
    assert PersonMerge.objects.get().is_undone
    event = AuditEvent.objects.filter(detail__operation="unmerge").get()
    assert set(event.subject_ids.split()) == {str(kept.pk), str(duplicate.pk)}
    assert event.actor_username == "sysadmin"
    # an administrator decided they are two persons: no longer offered as duplicates
    assert selectors.possible_duplicates(actor=helsinki_supervisor) == []
    with translation.override("en"), pytest.raises(Exception, match="already been undone"):
        merging.person_unmerge(actor=sysadmin, merge_id=merge.pk)


def test_rows_changed_after_the_merge_stay_with_the_kept_record(
    kept, duplicate, helsinki_supervisor, helsinki_worker, sysadmin
):
    merge = _merge(helsinki_supervisor, kept, duplicate)
    services.person_update(
        actor=helsinki_worker, person_id=kept.pk, changes={"nationalities": ["AFG", "SYR", "IRN"]}
    )
    result = merging.person_unmerge(actor=sysadmin, merge_id=merge.pk)
    assert result.missing == {"nationalities": 1}
    assert sorted(kept.nationalities.values_list("country", flat=True)) == ["AFG", "IRN", "SYR"]


def test_only_supervisors_and_administrators_merge(kept, duplicate, helsinki_worker, keha_handler):
    for actor in (helsinki_worker, keha_handler):
        with pytest.raises(PermissionDenied):
            _merge(actor, kept, duplicate)


def test_another_municipalitys_supervisor_cannot_merge_nor_learn_of_the_records(
    kept, duplicate, espoo_supervisor, helsinki_supervisor, make_person, espoo_worker, audit_mark
):
    before = audit_mark()
    with pytest.raises(PersonNotFound):
        _merge(espoo_supervisor, kept, duplicate)
    denied = AuditEvent.objects.get(seq__gt=before, action="denied")
    assert denied.person_id == kept.pk and denied.detail["purpose"] == "merge"
    espoo_person = make_person(espoo_worker)
    before = audit_mark()
    with pytest.raises(PersonNotFound):  # Helsinki's supervisor and Espoo's record
        _merge(helsinki_supervisor, kept, espoo_person)
    denied = AuditEvent.objects.get(seq__gt=before, action="denied")
    assert denied.person_id == espoo_person.pk
    assert not PersonMerge.objects.exists()
    assert Person.objects.get(pk=duplicate.pk).merged_into_id is None


def test_a_system_administrator_merges_across_municipalities_by_id(
    kept, espoo_worker, make_person, sysadmin, make_actor
):
    espoo_twin = make_person(
        espoo_worker,
        given_names="Muhammad",
        family_name="Alhassan",
        date_of_birth=BORN,
        identifiers=[],
    )
    helsinki_admin = make_actor(Role.SYSTEM_ADMIN, "municipality-091")
    with pytest.raises(PersonNotFound):  # a municipality's administrator: its persons only
        _merge(helsinki_admin, kept, espoo_twin)
    merge = _merge(sysadmin, kept, espoo_twin)
    assert merge.survivor_id == kept.pk
    with pytest.raises(merging.MergeNotFound):
        merging.person_unmerge(
            actor=make_actor(Role.SYSTEM_ADMIN, "municipality-049"), merge_id=merge.pk
        )
    merging.person_unmerge(actor=helsinki_admin, merge_id=merge.pk)


def test_different_identity_codes_or_households_are_refused(
    kept, helsinki_worker, helsinki_supervisor, make_person
):
    other = make_person(
        helsinki_worker, given_names="Muhammad", family_name="Alhassan", date_of_birth=BORN
    )
    with translation.override("en"), pytest.raises(merging.PersonMergeRefused) as refused:
        _merge(helsinki_supervisor, kept, other)
    assert "different personal identity code" in str(refused.value)
    services.person_update(actor=helsinki_worker, person_id=other.pk, changes={"identifiers": []})
    for head, child in ((kept, "Aisha"), (other, "Omar")):
        relative = make_person(
            helsinki_worker,
            given_names=child,
            family_name="Alhassan",
            date_of_birth=dt.date(2016, 1, 1),
        )
        services.household_link(
            actor=helsinki_worker, person_id=head.pk, relative_id=relative.pk, relation="child"
        )
    with translation.override("en"), pytest.raises(merging.PersonMergeRefused) as refused:
        _merge(helsinki_supervisor, kept, other)
    assert "different households" in str(refused.value)
    assert not PersonMerge.objects.exists()


def test_a_record_is_not_merged_into_itself(kept, helsinki_supervisor):
    with translation.override("en"), pytest.raises(Exception, match="into itself"):
        _merge(helsinki_supervisor, kept, kept)


def test_the_case_membership_moves_through_placements_service(
    uusimaa_officer, make_person, sysadmin, audit_mark
):
    case = placement.case_create(
        actor=uusimaa_officer,
        data=placement.CaseData(reference="147-92000001", members=[placement.MemberData(age=30)]),
    )
    a = make_person(uusimaa_officer, given_names="Ali", family_name="Rezaei", date_of_birth=BORN)
    b = make_person(uusimaa_officer, given_names="Ali", family_name="Rezai", identifiers=[])
    member = case.members.get()
    member.person = b
    member.save()
    before = audit_mark()
    merge = _merge(sysadmin, a, b)
    assert CaseMember.objects.get(pk=member.pk).person_id == a.pk
    assert merge.moves["handlers"]["placement"] == {"case_members": [member.pk], "move_notices": []}
    event = AuditEvent.objects.get(seq__gt=before, object_type="placement.PlacementCase")
    assert set(event.subject_ids.split()) == {str(a.pk), str(b.pk)}
    merging.person_unmerge(actor=sysadmin, merge_id=merge.pk)
    assert CaseMember.objects.get(pk=member.pk).person_id == b.pk


def test_two_case_members_are_refused(uusimaa_officer, make_person, sysadmin):
    persons = []
    for reference in ("147-92000002", "147-92000003"):
        case = placement.case_create(
            actor=uusimaa_officer,
            data=placement.CaseData(reference=reference, members=[placement.MemberData(age=30)]),
        )
        member = case.members.get()
        member.person = make_person(uusimaa_officer, identifiers=[])
        member.save()
        persons.append(member.person)
    with translation.override("en"), pytest.raises(merging.PersonMergeRefused) as refused:
        _merge(sysadmin, *persons)
    assert "placement case" in str(refused.value)


def test_deleting_the_kept_record_deletes_the_merged_one_too(kept, duplicate, helsinki_supervisor):
    _merge(helsinki_supervisor, kept, duplicate)
    services.person_delete(actor=helsinki_supervisor, person_id=kept.pk)
    assert not Person.objects.filter(pk__in=[kept.pk, duplicate.pk]).exists()


# --- pages and API -------------------------------------------------------------------------


def test_the_supervisor_compares_and_merges_on_the_pages(
    kept, duplicate, helsinki_supervisor, client_for
):
    client = client_for(helsinki_supervisor)
    url = reverse("people:merge", kwargs={"person_id": kept.pk})
    choose = client.get(url)
    assert choose.status_code == 200 and f"?duplicate={duplicate.pk}".encode() in choose.content
    confirm = client.get(url, {"duplicate": duplicate.pk})
    assert confirm.status_code == 200
    assert b"Alhassan" in confirm.content and b"Al-Hassan" in confirm.content
    response = client.post(url, {"duplicate": duplicate.pk})
    assert response.status_code == 302 and response["Location"] == f"/persons/{kept.pk}/"
    assert Person.objects.get(pk=duplicate.pk).merged_into_id == kept.pk


def test_a_refused_merge_page_says_why(
    kept, helsinki_worker, helsinki_supervisor, make_person, client_for
):
    other = make_person(helsinki_worker, given_names="Muhammad", family_name="Alhassan")
    url = reverse("people:merge", kwargs={"person_id": kept.pk})
    client = client_for(helsinki_supervisor)
    client.cookies["django_language"] = "en"
    response = client.post(url, {"duplicate": other.pk})
    assert response.status_code == 409
    assert b"different personal identity code" in response.content


def test_the_administrator_undoes_a_merge_on_its_page(
    kept, duplicate, helsinki_supervisor, sysadmin, client_for
):
    merge = _merge(helsinki_supervisor, kept, duplicate)
    client = client_for(sysadmin)
    listing = client.get(reverse("people:merges"))
    assert listing.status_code == 200 and str(merge.pk).encode() in listing.content
    assert b"Alhassan" not in listing.content  # ids, no names
    url = reverse("people:unmerge", kwargs={"merge_id": merge.pk})
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert Person.objects.get(pk=duplicate.pk).merged_into_id is None
    assert client_for(helsinki_supervisor).get(reverse("people:merges")).status_code == 403


def test_the_merge_api(
    kept, duplicate, helsinki_supervisor, client_for, make_person, helsinki_worker
):
    client = client_for(helsinki_supervisor)
    url = reverse("api-person-merge", kwargs={"person_id": kept.pk})
    assert client.post(url, {}, content_type="application/json").status_code == 400
    other = make_person(helsinki_worker, given_names="Muhammad", family_name="Alhassan")
    refused = client.post(url, {"duplicate": str(other.pk)}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "merge_refused"
    assert refused.json()["reasons"]
    response = client.post(url, {"duplicate": str(duplicate.pk)}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["survivor"] == str(kept.pk) and body["merged"] == str(duplicate.pk)
    assert body["moved"]["identifiers"] == 1 and body["moved"]["timeline"] >= 2


def test_the_merge_api_is_in_the_openapi_schema(client_for, helsinki_supervisor):
    schema = client_for(helsinki_supervisor).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/persons/{person_id}/merge/"]["post"]
    assert operation["operationId"] == "persons_merge"
    assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][body.rsplit("/", 1)[1]]
    assert component["required"] == ["duplicate"]


def test_statistics_and_pseudonymised_data_count_a_merged_person_once(
    kept, duplicate, helsinki_supervisor, analyst
):
    from kotopaikka.reporting.selectors import national_summary

    before = national_summary(actor=analyst).total_persons
    _merge(helsinki_supervisor, kept, duplicate)
    assert national_summary(actor=analyst).total_persons == before - 1
    rows = selectors.pseudonymised_person_list(actor=analyst)
    assert duplicate.pseudonym not in {r.pseudonym for r in rows}
    assert kept.pseudonym in {r.pseudonym for r in rows}


def test_the_detail_page_offers_the_merge_to_supervisors_only(
    kept, helsinki_supervisor, helsinki_worker, client_for
):
    url = reverse("people:detail", kwargs={"person_id": kept.pk})
    merge = reverse("people:merge", kwargs={"person_id": kept.pk}).encode()
    assert merge in client_for(helsinki_supervisor).get(url).content
    assert merge not in client_for(helsinki_worker).get(url).content
