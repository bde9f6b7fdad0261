"""The enterprise-data endpoints: what a score answer holds, problems for bad input, pages, limits, headers."""

from __future__ import annotations

import json

import pytest

from .conftest import Api

pytestmark = pytest.mark.xdist_group("service")
P = {"purpose": "loan_approval"}


def test_score_answer_holds_everything_the_issue_lists(api: Api) -> None:
    r = api.client.get(f"/v1/enterprises/{api.firm_a}/score", params=P, headers=api.headers("client:bank-a"))
    assert r.status_code == 200
    b = r.json()
    assert 1000 <= b["score"] <= 2000 and b["band"] in {"poor", "medium", "good", "excellent", "outstanding"}
    assert 0 < b["pd"] < 1 and b["grade"]
    assert set(b["subscores"]) == {"basic", "behaviour", "performance", "relationship", "legal_rep"}
    assert 1 <= len(b["reasons"]) <= 4
    assert any(r["record_ids"] for r in b["reasons"])
    assert b["data_depth"] in set("ABCDE") and "score" in b["information_quality"]
    assert b["model_id"] == api.book.model_id and b["receipt"]["checkpoint"].count("\n") >= 4
    assert b["receipt"]["evidence_leaves"] and b["query_id"].startswith("q-")
    # the numbers are the stored batch run's (firm a has no grant for bank-a: the not-authorized variant)
    row, variant = api.book.row(api.firm_a, False)
    assert variant == "not_authorized" and b["score"] == row["score"] and b["pd"] == row["pd"]
    assert [r["record_ids"] for r in b["reasons"]] == [r["record_ids"] for r in row["reasons"]]


def test_language_follows_accept_language(api: Api) -> None:
    zh = api.client.get(f"/v1/enterprises/{api.firm_a}/score", params=P,
                        headers=api.headers("client:bank-a", **{"Accept-Language": "zh-CN"})).json()
    en = api.client.get(f"/v1/enterprises/{api.firm_a}/score", params=P,
                        headers=api.headers("client:bank-a", **{"Accept-Language": "en-US,en;q=0.9"})).json()
    assert zh["reasons"][0]["text"] != en["reasons"][0]["text"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh["reasons"][0]["text"])
    r = api.client.get("/v1/enterprises/%20bad/score", params=P, headers=api.headers("client:bank-a",
                                                                                    **{"Accept-Language": "en"}))
    assert r.status_code == 400 and r.json()["title"] == "Invalid enterprise id"
    r = api.client.get("/v1/enterprises/%20bad/score", params=P, headers=api.headers("client:bank-a",
                                                                                    **{"Accept-Language": "zh"}))
    assert r.json()["title"] == "企业标识无效" and r.headers["content-language"] == "zh"


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "code"), [
    ("GET", "/v1/enterprises/NOPE000000000000/score", {"params": P}, 404, "enterprise_not_found"),
    ("GET", "/v1/enterprises/bad%20id!/score", {"params": P}, 400, "invalid_enterprise_id"),
    ("GET", "/v1/enterprises/{firm}/score", {}, 400, "purpose_required"),
    ("GET", "/v1/enterprises/{firm}/score", {"params": {"purpose": "curiosity"}}, 422, "validation"),
    ("GET", "/v1/enterprises/{firm}/score", {"params": {"purpose": "subject_request"}}, 400, "purpose_not_allowed"),
    ("GET", "/v1/enterprises/{firm}/evidence/notarecord", {"params": P}, 404, "record_not_found"),
    ("POST", "/v1/scores/batch", {"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 422,
     "validation"),
    ("POST", "/v1/scores/batch", {"json": {"purpose": "loan_approval"}}, 422, "validation"),
    ("POST", "/v1/scores/batch", {"json": {"purpose": "loan_approval", "enterprise_ids": []}}, 422, "validation"),
    ("GET", "/v1/enterprises", {"params": {"q": "", **P}}, 422, "validation"),
    ("GET", "/v1/enterprises", {"params": {"q": "有限", "cursor": "forged.cursor", **P}}, 400, "invalid_cursor"),
    ("GET", "/v1/nowhere", {}, 404, "not_found"),
    ("DELETE", "/v1/enterprises/{firm}/score", {}, 405, "method_not_allowed"),
])
def test_bad_input_is_a_4xx_problem_with_a_code(api: Api, method: str, path: str, kwargs: dict[str, object],
                                                 status: int, code: str) -> None:
    headers = {**api.headers("client:bank-a"), **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    r = api.client.request(method, path.replace("{firm}", api.firm_a), headers=headers, **kwargs)  # type: ignore
    assert (r.status_code, r.json()["code"]) == (status, code), r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.text
    assert "Traceback" not in body and "/work/" not in body and "site-packages" not in body


def test_batch_streams_ndjson_in_request_order_and_caps_the_size(api: Api) -> None:
    ids = [*sorted(api.book.position)[:300], "NOPE"]
    r = api.client.post("/v1/scores/batch", json={"purpose": "post_loan_management", "enterprise_ids": ids},
                        headers=api.headers("client:bank-a"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert [x["enterprise_id"] for x in lines] == ids
    assert lines[-1] == {"enterprise_id": "NOPE", "error": "enterprise_not_found", "status": 404}
    assert all(x["score"] == api.book.row(x["enterprise_id"], False)[0]["score"] for x in lines[:-1])
    big = {"purpose": "post_loan_management", "enterprise_ids": [f"X{i:017d}" for i in range(10_001)]}
    r = api.client.post("/v1/scores/batch", json=big, headers=api.headers("client:bank-a"))
    assert r.status_code == 422 and r.json()["code"] == "validation"


def test_request_size_limit(api: Api) -> None:
    huge = b'{"purpose": "loan_approval", "enterprise_ids": ["' + b"A" * (3 * 1024 * 1024) + b'"]}'
    r = api.client.post("/v1/scores/batch", content=huge, headers={**api.headers("client:bank-a"),
                                                                    "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "body_too_large"


def test_search_by_chinese_name_part_and_by_code_with_cursor_pages(api: Api) -> None:
    firm = api.book.firms[api.firm_a]
    assert firm.name
    part = firm.name[2:4]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"q": part, "limit": 3, **P, **({"cursor": cursor} if cursor else {})}
        r = api.client.get("/v1/enterprises", params=params, headers=api.headers("analyst:bank-a"))
        assert r.status_code == 200
        page = r.json()
        seen += [h["enterprise_id"] for h in page["items"]]
        assert all(part in (h["name"] or "") or h["enterprise_id"].startswith(part) for h in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    expected = sorted(e for e, f in api.book.firms.items() if f.name and part in f.name)
    assert seen == expected and api.firm_a in seen
    r = api.client.get("/v1/enterprises", params={"q": api.firm_a[:10], **P}, headers=api.headers("client:bank-a"))
    assert api.firm_a in [h["enterprise_id"] for h in r.json()["items"]]


def test_security_headers_on_answers_and_problems(api: Api) -> None:
    for r in (api.client.get("/v1/health"), api.client.get("/v1/nowhere")):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert "default-src 'none'" in r.headers["content-security-policy"]
        assert r.headers["cache-control"] == "no-store"


def test_rate_limit_is_per_client_with_retry_after(api: Api) -> None:
    buckets = api.service.buckets
    old = (buckets.rate, buckets.burst)
    buckets.rate, buckets.burst = 1.0, 3.0
    try:
        buckets._state.clear()
        h = api.headers("analyst:bank-b")
        codes = [api.client.get("/v1/query-log", headers=h).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[-1] == 429
        r = api.client.get("/v1/query-log", headers=h)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and r.json()["code"] == "rate_limited"
        # another client is not affected
        assert api.client.get("/v1/query-log", headers=api.headers("analyst:bank-a")).status_code == 200
    finally:
        buckets.rate, buckets.burst = old
        buckets._state.clear()


def test_openapi_is_3_1_with_examples_for_every_operation(api: Api) -> None:
    doc = api.client.get("/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    text = json.dumps(doc)
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op.get("summary"), (method, path)
            assert "200" in op["responses"] or "201" in op["responses"] or "204" in op["responses"]
    assert text.count('"examples"') + text.count('"example"') >= 60
    for name, schema in doc["components"]["schemas"].items():
        if name.startswith(("HTTPValidationError", "ValidationError", "Body_")):
            continue
        props = schema.get("properties", {})
        has = "examples" in schema or all("examples" in p or "$ref" in p or "items" in p or "anyOf" in p
                                          or "allOf" in p for p in props.values())
        assert has, name
