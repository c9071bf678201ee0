"""The job endpoints: a catalogue uploaded as a job, followed, collected and cancelled. A key
sees only its own jobs, an admin those of every key of its tenant; while no key exists, every
caller shares the open ones."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse

from src.adapters.driven.files.job_files import encoded_results, output_codes, read_upload
from src.adapters.driven.files.product_files import ProductFileFormat
from src.adapters.driven.files.product_rows import split_codes
from src.adapters.driving.http.dependencies import ContainerDep, caller_of
from src.adapters.driving.http.job_schemas import EstimateOut, JobCreated, JobOut
from src.adapters.driving.http.schemas import MessageOut, ValidationErrorOut
from src.bootstrap import Container
from src.domain.errors import InvalidRequestError
from src.domain.jobs.model import NewJob
from src.domain.lookup.limits import RequestLimits

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": MessageOut, "description": "No such job for this key"}
}
DRY_RUN_MAX_LOOKUPS = 10_000
"""The most field lookups (products × fields) a dry run estimates: it builds every prompt, about
0.2 ms of CPU each, uncharged; a larger catalogue is estimated from a sample."""
_MEDIA_TYPES = {
    ProductFileFormat.JSONL: "application/x-ndjson",
    ProductFileFormat.CSV: "text/csv; charset=utf-8",
}


def job_owner(request: Request) -> str:
    """The key a new job belongs to (`key:NAME`), or `open` while the API has no key."""
    return caller_of(request).owner


def acting_owner(request: Request, container: Container, job_id: str) -> str:
    """The owner in whose name the caller acts on job `job_id`: its own; for an admin, the job's
    owner when that key is of the admin's tenant (any other job is not found)."""
    caller = caller_of(request)
    owner = container.jobs.service.owner(job_id)
    if owner is not None and container.tenancy.may_act_for(caller, owner):
        return owner
    return caller.owner


def job_router(max_upload_bytes: int) -> APIRouter:
    """The job endpoints; an uploaded catalogue may be up to `max_upload_bytes` long."""
    router = APIRouter()
    router.add_api_route(
        "/api/jobs",
        submit_job,
        methods=["POST"],
        status_code=202,
        response_model=JobCreated,
        max_body_size=max_upload_bytes,
        responses={
            413: {
                "model": MessageOut,
                "description": f"A catalogue over MAX_UPLOAD_BYTES ({max_upload_bytes} bytes)",
            },
            200: {
                "model": EstimateOut,
                "description": "With `dry_run=true`: what the job would spend; no job is made",
            },
            422: {
                "model": ValidationErrorOut,
                "description": "A malformed catalogue (its first bad line), an unknown LLM, "
                "a dry run over DRY_RUN_MAX_LOOKUPS",
            },
        },
        summary="Enrich a whole catalogue in the background",
    )
    router.add_api_route(
        "/api/jobs/{job_id}",
        job_progress,
        methods=["GET"],
        response_model=JobOut,
        responses=_NOT_FOUND,
        summary="A job's progress",
    )
    router.add_api_route(
        "/api/jobs/{job_id}/results",
        job_results,
        methods=["GET"],
        response_class=StreamingResponse,
        responses={
            200: {
                "content": {"application/x-ndjson": {}, "text/csv": {}},
                "description": "The results so far in `enrich`'s output format, "
                "in catalogue order.",
            },
            **_NOT_FOUND,
        },
        summary="A job's results, streamed in catalogue order",
    )
    router.add_api_route(
        "/api/jobs/{job_id}",
        cancel_job,
        methods=["DELETE"],
        response_model=JobOut,
        responses=_NOT_FOUND,
        summary="Cancel a job",
    )
    return router


def submit_job(
    request: Request,
    container: ContainerDep,
    file: Annotated[
        UploadFile, File(description="The catalogue, as `enrich` reads it: .jsonl/.ndjson or .csv.")
    ],
    fields: Annotated[
        str | None,
        Form(description="Field codes, comma-separated; a row's own `fields` replace them."),
    ] = None,
    llm: Annotated[
        str | None, Form(description="A configured LLM (GET /api/llms); the default when absent.")
    ] = None,
    webhook_url: Annotated[
        str | None, Form(description="POSTed, signed, when the job is done.")
    ] = None,
    dry_run: Annotated[
        bool, Query(description="Estimate the calls and tokens only; make no job.")
    ] = False,
) -> JSONResponse:
    """Checks every row first (a bad file: 422 naming its first bad line, and no job), then
    answers 202 with the job's id; workers take it up in chunks."""
    settings = container.settings
    limits = RequestLimits(settings.max_description_chars, settings.max_fields)
    kind, products = read_upload(file.filename or "", file.file, split_codes(fields or ""), limits)
    if dry_run:
        container.llms.resolve_name(llm or None)
        lookups = sum(len(product.fields) for product in products)
        if lookups > DRY_RUN_MAX_LOOKUPS:
            raise InvalidRequestError(
                f"a dry run estimates at most {DRY_RUN_MAX_LOOKUPS} field lookups "
                f"(products × fields); this catalogue asks {lookups}: send a sample of it",
                ("body", "file"),
            )
        estimate = container.estimator.estimate(
            ((p.description, p.fields) for p in products), llm or None
        )
        return JSONResponse(EstimateOut.of(estimate).model_dump())
    job = container.jobs.service.submit(
        NewJob(
            job_owner(request),
            products,
            output_codes(products),
            kind.value,
            llm or None,
            webhook_url or None,
        )
    )
    created = JobCreated(
        id=job.id,
        state=job.state.value,
        total=job.total,
        progress=f"/api/jobs/{job.id}",
        results=f"/api/jobs/{job.id}/results",
    )
    return JSONResponse(
        created.model_dump(), status_code=202, headers={"Location": created.progress}
    )


def job_progress(job_id: str, request: Request, container: ContainerDep) -> JobOut:
    """State, products done/failed/total, fields by status, values flagged for review, rate, ETA."""
    owner = acting_owner(request, container, job_id)
    return JobOut.of(
        container.jobs.service.progress(owner, job_id), container.accounts.job_spend(owner, job_id)
    )


def job_results(
    job_id: str,
    request: Request,
    container: ContainerDep,
    format: Annotated[
        ProductFileFormat | None, Query(description="jsonl or csv; the catalogue's by default.")
    ] = None,
) -> StreamingResponse:
    job, results = container.jobs.service.results(acting_owner(request, container, job_id), job_id)
    kind = format or ProductFileFormat(job.output_format)
    return StreamingResponse(
        encoded_results(kind, job.codes, results), media_type=_MEDIA_TYPES[kind]
    )


def cancel_job(job_id: str, request: Request, container: ContainerDep) -> JobOut:
    """Nothing new starts; products under way finish. The results so far stay readable."""
    service = container.jobs.service
    owner = acting_owner(request, container, job_id)
    service.cancel(owner, job_id)
    return JobOut.of(service.progress(owner, job_id), container.accounts.job_spend(owner, job_id))
