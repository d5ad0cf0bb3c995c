"""The outcome model in the app: trained by the command and the task, stored with its figures
and hash, shown on its card as stored, used and recorded by runs; a run without a model says
so; a bad history file is refused line by line and leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from kotopaikka.optimiser import outcome
from kotopaikka.placement import outcome_models, runs, services
from kotopaikka.placement.models import OptimiserRun, OutcomeModelVersion

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year


def _queue(officer):
    for code, persons in (("091", 6), ("049", 6), ("092", 6)):
        services.agreement_save(
            actor=officer,
            municipality_code=code,
            valid_from=dt.date(YEAR, 1, 1),
            valid_until=None,
            years={YEAR: {"persons": persons}},
            services=[],
            accepts_emergency_cases=False,
            wellbeing_county_consulted_on=None,
        )
    for n, ages in enumerate([(30, 28, 4), (45,), (22, 1), (38, 36)]):
        services.case_create(
            actor=officer,
            data=services.CaseData(
                reference=f"147-8100000{n}",
                members=[services.MemberData(age=a, education_years=12) for a in ages],
            ),
        )


def _run(officer, capture):
    with capture(execute=True):
        run = runs.optimiser_run_start(actor=officer, year=YEAR, time_limit=5)
    run.refresh_from_db()
    assert run.status == OptimiserRun.Status.DONE, run.error
    return run


def test_the_command_trains_on_the_shipped_history_and_stores_figures_and_hash(capsys):
    call_command("train_outcome_model")
    row = OutcomeModelVersion.objects.get()
    assert row.status == "done" and row.version == 1 and row.synthetic
    assert row.source == "shipped" and row.rows == 17278 and row.cases > 10000
    assert row.sha256 == hashlib.sha256(row.document.encode()).hexdigest()
    assert 0.6 < row.report["auc"] < 0.9 and row.report["calibration"]
    assert "age" in row.features["member"] and "unemployment" in row.features["municipality"]
    assert "SYNTHETIC" in capsys.readouterr().out
    call_command("train_outcome_model", if_none=True)  # the demo seed's call adds nothing
    assert OutcomeModelVersion.objects.count() == 1
    call_command("train_outcome_model")
    assert outcome_models.current_model().version == 2


def test_a_run_uses_the_current_model_and_records_it(
    uusimaa_officer, trained_model, django_capture_on_commit_callbacks
):
    _queue(uusimaa_officer)
    run = _run(uusimaa_officer, django_capture_on_commit_callbacks)
    assert run.outcome_model == trained_model
    assert run.parameters["outcome_model"] == {"version": 1, "sha256": trained_model.sha256}
    outcome_parts = [a["explanation"]["components"]["outcome"] for a in run.result["assignments"]]
    assert all(v > 0 for v in outcome_parts)  # every case has working-age members
    # the scores are the model's: recomputed from the stored document they agree
    model = outcome.OutcomeModel.from_document(json.loads(trained_model.document))
    inst = runs.build_instance(run)
    scores = model.score_matrix(inst)
    by_code = {m.code: j for j, m in enumerate(inst.municipalities)}
    for a in run.result["assignments"]:
        i = inst.case_index[a["case"]]
        assert a["explanation"]["components"]["outcome"] == pytest.approx(
            scores[i, by_code[a["municipality"]]]
        )


def test_a_run_without_a_model_says_so(
    uusimaa_officer, client_for, django_capture_on_commit_callbacks
):
    _queue(uusimaa_officer)
    run = _run(uusimaa_officer, django_capture_on_commit_callbacks)
    assert run.outcome_model is None and run.parameters["outcome_model"] is None
    assert all(a["explanation"]["components"]["outcome"] == 0 for a in run.result["assignments"])
    officer = client_for(uusimaa_officer)
    officer.cookies["django_language"] = "en"
    page = officer.get(reverse("placement:run", kwargs={"run_id": run.pk}))
    assert "No outcome model was available" in page.content.decode()


def test_a_model_whose_document_was_altered_is_not_used(trained_model):
    OutcomeModelVersion.objects.filter(pk=trained_model.pk).update(
        document=trained_model.document.replace('"tie": ', '"tie": 1 + ', 1)
    )
    trained_model.refresh_from_db()
    with pytest.raises(ValueError, match="does not match its hash"):
        outcome_models.load_model(trained_model)


def test_the_model_card_shows_the_stored_figures(client_for, analyst, trained_model):
    page = client_for(analyst).get(reverse("placement:outcome_model", kwargs={"version": 1}))
    assert page.status_code == 200
    html = page.content.decode()
    report = trained_model.report

    def fi(x: float) -> str:  # the page is in Finnish: a decimal comma
        return str(x).replace(".", ",")

    def cell(testid: str) -> str:
        start = html.index(f'data-testid="{testid}"')
        return html[html.index(">", start) + 1 : html.index("<", start + 1)]

    assert cell("model-auc").strip().startswith(fi(report["auc"]) + " ")
    assert cell("model-brier").strip() == fi(report["brier"])
    assert cell("model-ece").strip() == fi(report["expected_calibration_error"])
    assert cell("model-hash") == trained_model.sha256
    for row in report["calibration"]:
        assert f"<td>{row['bin']}</td>" in html and f">{fi(row['observed_rate'])}<" in html
    assert "<svg" in html and "synteettinen" in html
    assert ", ".join(trained_model.features["member"]) in html


def test_an_unknown_version_is_an_audited_404(client_for, analyst, trained_model):
    from kotopaikka.audit.models import AuditEvent

    before = AuditEvent.objects.filter(action="denied").count()
    page = client_for(analyst).get(reverse("placement:outcome_model", kwargs={"version": 9}))
    assert page.status_code == 404
    assert AuditEvent.objects.filter(action="denied").count() == before + 1


def test_placement_officers_see_models_and_analysts_train(
    client_for, uusimaa_officer, analyst, helsinki_worker
):
    officer = client_for(uusimaa_officer)
    assert officer.get(reverse("placement:outcome_models")).status_code == 200
    assert officer.post(reverse("placement:outcome_models"), {}).status_code == 403
    assert client_for(helsinki_worker).get(reverse("placement:outcome_models")).status_code == 403
    trained = client_for(analyst).post(reverse("placement:outcome_models"), {})
    assert trained.status_code == 302  # tasks run at once in the tests
    assert OutcomeModelVersion.objects.get().status == "done"


def _history(lines: list[str]) -> SimpleUploadedFile:
    header = ",".join(outcome.HISTORY_FIELDS)
    return SimpleUploadedFile("h.csv", ("\n".join(["# note", header, *lines]) + "\n").encode())


def test_a_bad_history_file_is_refused_naming_line_and_column(client_for, analyst):
    good = "H-1,2020,091,30,f,12,5,fi en,1,0,1,0"
    bad_age = "H-2,2020,091,130,f,12,5,fi,1,0,1,0"
    bad_code = "H-3,2020,999,30,m,,,,,0,0,0"
    client = client_for(analyst)
    client.cookies["django_language"] = "en"
    page = client.post(
        reverse("placement:outcome_models"), {"history": _history([good, bad_age, bad_code])}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Line 4, column age" in html and "Line 5, column municipality" in html
    assert not OutcomeModelVersion.objects.exists()


def test_an_uploaded_history_trains_a_model_labelled_by_its_data(analyst):
    rows = outcome.generate_history(800, seed=3)
    lines = [",".join(str(r[f]) for f in outcome.HISTORY_FIELDS) for r in rows]
    lines = [ln[: ln.rindex(",")] + ",0" for ln in lines]  # a "real" history: synthetic=0
    row = outcome_models.outcome_training_request(actor=analyst, upload=_history(lines))
    row.refresh_from_db()
    assert row.status == "done" and row.source == "upload" and not row.synthetic
    assert row.history_name == "h.csv" and row.rows == len(rows)
