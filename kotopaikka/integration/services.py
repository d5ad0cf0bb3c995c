"""Changes to integration-client records. Each writes an audit event naming the person.

Other apps (placement, on arrival or a confirmed self-arranged move) call these; they never
write integration's models themselves.
"""

from __future__ import annotations

import datetime as dt
import uuid

from kotopaikka.access.policy import Actor
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.registry.models import Municipality

from .models import IntegrationClient

OBJECT_TYPE = "integration.IntegrationClient"


def client_receive(
    *,
    actor: Actor,
    person_ids: list[uuid.UUID],
    municipality: Municipality,
    received_on: dt.date,
    first_residence_date: dt.date,
    reason: str,
) -> list[IntegrationClient]:
    """Make each person an integration client of `municipality` from `received_on` (a person
    who already is one keeps the record: the first municipality of residence does not change).

    Runs inside the caller's transaction (placement's arrival), which has checked the actor's
    right to receive these persons.
    """
    clients = []
    for person_id in sorted(person_ids):
        client, created = IntegrationClient.objects.get_or_create(
            person_id=person_id,
            defaults={
                "municipality": municipality,
                "client_since": received_on,
                "first_residence_date": first_residence_date,
            },
        )
        if created:
            record_event(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                object_type=OBJECT_TYPE,
                object_id=client.pk,
                person_id=person_id,
                fields=["municipality", "client_since", "first_residence_date"],
                detail={"reason": reason, "municipality": municipality.code},
            )
        clients.append(client)
    return clients
