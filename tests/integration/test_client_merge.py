"""Integration's merge handler (`services.client_person_repoint`): when two person records are
merged, the client record goes with the person; two client records are never merged."""

from __future__ import annotations

import pytest
from django.utils import translation

from kotopaikka.audit.models import AuditEvent
from kotopaikka.integration import services
from kotopaikka.integration.models import IntegrationClient
from kotopaikka.people import merging

pytestmark = pytest.mark.django_db


def test_the_client_record_moves_with_the_merge_and_back_when_it_is_undone(
    arrived, helsinki_worker, helsinki_supervisor, make_person, sysadmin, audit_mark
):
    client = arrived[0]
    registered_again = make_person(helsinki_worker, identifiers=[])
    before = audit_mark()
    merge = merging.person_merge(
        actor=helsinki_supervisor, survivor_id=registered_again.pk, merged_id=client.person_id
    )
    moved = IntegrationClient.objects.get(pk=client.pk)
    assert moved.person_id == registered_again.pk
    assert moved.events.exists() and moved.municipality.code == "091"  # the record, whole
    assert merge.moves["handlers"]["integration"] == {"client": str(client.pk)}
    event = AuditEvent.objects.get(seq__gt=before, object_type="integration.IntegrationClient")
    assert event.person_id == registered_again.pk
    assert set(event.subject_ids.split()) == {str(registered_again.pk), str(client.person_id)}

    merging.person_unmerge(actor=sysadmin, merge_id=merge.pk)
    assert IntegrationClient.objects.get(pk=client.pk).person_id == client.person_id


def test_two_client_records_are_refused_and_nothing_moves(arrived, helsinki_supervisor):
    first, second = arrived
    with translation.override("en"), pytest.raises(merging.PersonMergeRefused) as refused:
        services.client_person_repoint(
            actor=helsinki_supervisor,
            from_person_id=second.person_id,
            to_person_id=first.person_id,
        )
    assert "two client records cannot be merged" in str(refused.value)
    with pytest.raises(merging.PersonMergeRefused):
        merging.person_merge(
            actor=helsinki_supervisor, survivor_id=first.person_id, merged_id=second.person_id
        )
    assert IntegrationClient.objects.get(pk=second.pk).person_id == second.person_id
    assert not merging.PersonMerge.objects.exists()


def test_a_person_without_a_client_record_moves_nothing(helsinki_worker, make_person):
    a, b = make_person(helsinki_worker), make_person(helsinki_worker)
    assert (
        services.client_person_repoint(
            actor=helsinki_worker, from_person_id=b.pk, to_person_id=a.pk
        )
        == {}
    )
