"""The support age limit of unaccompanied minors on both sides of each date: 21 until
14.7.2020, 25 from 15.7.2020, 23 from 1.7.2024 (first day on which the age reaches the limit
in force that day)."""

from __future__ import annotations

import datetime as dt

import pytest

from kotopaikka.integration.minors import support_end

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.parametrize(
    ("birth", "ends", "limit"),
    [
        (D(1999, 7, 14), D(2020, 7, 14), 21),  # turned 21 on the last day of the 21 rule
        (D(1999, 7, 15), D(2024, 7, 1), 23),  # 21 on 15.7.2020: the limit was 25 by then;
        # at 24 on 1.7.2024 the new limit of 23 was already reached
        (D(1999, 7, 1), D(2020, 7, 1), 21),
        (D(2001, 6, 30), D(2024, 7, 1), 23),  # 23 on 30.6.2024 (limit 25), reached on 1.7.
        (D(2001, 7, 1), D(2024, 7, 1), 23),  # 23 on the day the limit became 23
        (D(2001, 7, 2), D(2024, 7, 2), 23),
        (D(2005, 3, 3), D(2028, 3, 3), 23),
        (D(2004, 2, 29), D(2027, 3, 1), 23),  # a leap-day birthday
    ],
)
def test_the_support_ends_on_the_first_day_the_age_reaches_the_limit(birth, ends, limit):
    end = support_end(birth)
    assert (end.ends_on, end.age_limit) == (ends, limit)


def test_under_the_25_rule_the_support_went_on_past_21():
    # 21 on 1.6.2021, when the limit was 25; 24 on 1.7.2024, when it became 23: ends then.
    # (No one reached 25 while the 25 rule was in force: it lasted under four years. The
    # sources give no transitional provision; see kotopaikka/integration/minors.py.)
    end = support_end(D(2000, 6, 1))
    assert (end.ends_on, end.age_limit) == (D(2024, 7, 1), 23)


def test_the_queue_flags_the_approaching_end_and_the_page_shows_it(
    arrived, helsinki_worker, client_for
):
    from django.urls import reverse

    from kotopaikka.integration import selectors
    from kotopaikka.integration.minors import minor_support_save
    from kotopaikka.integration.workqueue import ItemKind, ItemState
    from kotopaikka.people.models import Person

    client = arrived[0]
    today = dt.date.today()
    Person.objects.filter(pk=client.person_id).update(
        date_of_birth=today.replace(year=today.year - 23) + dt.timedelta(days=20)
    )
    minor_support_save(
        actor=helsinki_worker,
        client_id=client.pk,
        housing="supported",
        housing_since=today,
        representative="Edustaja Esimerkki",
    )
    [item] = [
        i for i in selectors.work_queue(actor=helsinki_worker) if i.kind == ItemKind.SUPPORT_ENDS
    ]
    assert item.state == ItemState.DUE_SOON and item.due_on == today + dt.timedelta(days=20)
    page = client_for(helsinki_worker).get(reverse("integration:client", args=[client.pk]))
    assert "Edustaja Esimerkki" in page.content.decode()
