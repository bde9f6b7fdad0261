"""Typed request and response bodies of the API (pydantic), with the examples shown in OpenAPI."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from firmscore.service.purposes import Purpose

EID = "91440309BHL886EDK2"
RID = "0194e34afabe458391ad088f9aeb8491"
NOTE = "firmscore.local/ledger/1a2b\n117401\nq1w2e3...=\n\n— firmscore.local/ledger/1a2b AbCd...\n"
VKEY = "firmscore.local/ledger/1a2b+1a2b3c4d+AXk..."


class Token(BaseModel):
    access_token: str = Field(examples=["eyJhbGciOiJFZERTQSIsImtpZCI6IjIwMjYxMjAzIn0.e30.sig"])
    token_type: str = Field(examples=["Bearer"])
    expires_in: int = Field(examples=[900])
    scope: str = Field(examples=["score:read report:read evidence:read"])


class Jwk(BaseModel):
    kty: str = Field(examples=["OKP"])
    crv: str = Field(examples=["Ed25519"])
    x: str = Field(examples=["11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"])
    kid: str = Field(examples=["20261203130000-1a2b3c4d"])
    alg: str = Field(examples=["EdDSA"])
    use: str = Field(examples=["sig"])


class Jwks(BaseModel):
    keys: list[Jwk]


class Checkpoint(BaseModel):
    checkpoint: str = Field(description="C2SP signed note: origin, tree size, root hash, signatures",
                            examples=["firmscore.local/ledger/1a2b\n117401\nq1w2e3...=\n\n"
                                      "— firmscore.local/ledger/1a2b AbCd...\n"])
    public_key: str = Field(description="note verifier key: name+keyhash+base64(0x01||Ed25519 key)",
                            examples=["firmscore.local/ledger/1a2b+1a2b3c4d+AXk..."])
    tree_size: int = Field(examples=[117401])


class Reason(BaseModel):
    rank: int = Field(examples=[1])
    feature: str = Field(examples=["beh_sales_volatility_12m"])
    dimension: str = Field(examples=["behaviour"])
    points_lost: int = Field(examples=[190])
    text: str = Field(examples=["Monthly sales volatility: (0.75, 0.80], 77 points, 190 below the best bin"])
    record_ids: list[str] = Field(examples=[[RID]])


class SubScores(BaseModel):
    basic: float = Field(examples=[68.3])
    behaviour: float = Field(examples=[57.1])
    performance: float = Field(examples=[50.7])
    relationship: float = Field(examples=[66.5])
    legal_rep: float = Field(examples=[21.0])


class ConsentNote(BaseModel):
    status: str = Field(description="used | not_authorized | no_data_at_scoring | no_legal_rep | own_request",
                        examples=["not_authorized"])
    grant_id: str | None = Field(default=None, examples=[None])
    message_zh: str = Field(examples=["未获法定代表人对本机构、本用途的有效授权:个人征信维度按“未获授权”计分"])
    message_en: str = Field(examples=["no valid authorization of the legal representative for this institution and "
                                      "purpose: the personal-credit dimension is scored as \"not authorized\""])


class Quality(BaseModel):
    score: float | None = Field(examples=[100.0])
    reason: str | None = Field(default=None, examples=[None])
    failed_checks: list[str] = Field(examples=[[]])


class Receipt(BaseModel):
    model_id: str = Field(examples=["4606a89344bd0f018a22e04002e012a96cba98ed3a5e74b412eb9e292e08978d"])
    as_of: str = Field(examples=["2025-06-30"])
    checkpoint: str | None = Field(description="the signed checkpoint the score was computed against")
    checkpoint_size: int = Field(examples=[117401])
    evidence_leaves: list[int] = Field(examples=[[1257, 3048]])
    public_key: str = Field(examples=["firmscore.local/ledger/1a2b+1a2b3c4d+AXk..."])


class ScoreOut(BaseModel):
    enterprise_id: str = Field(examples=[EID])
    name: str | None = Field(examples=["深圳瑞锦汽车维修有限公司"])
    as_of: str = Field(examples=["2025-06-30"])
    score_id: str = Field(examples=[f"2025-06-30/4606a89344bd0f01/{EID}/not_authorized"])
    score: int = Field(examples=[1433])
    band: str = Field(examples=["good"])
    grade: str = Field(examples=["CCC"])
    pd: float = Field(examples=[0.0405])
    subscores: SubScores
    reasons: list[Reason] = Field(max_length=4)
    data_depth: str | None = Field(examples=["B"])
    information_quality: Quality
    model_id: str = Field(examples=["4606a89344bd0f018a22e04002e012a96cba98ed3a5e74b412eb9e292e08978d"])
    consent: ConsentNote
    receipt: Receipt
    query_id: str = Field(description="this answer's entry in the query log", examples=["q-5f0c…"])


class ReportOut(ScoreOut):
    firm: dict[str, Any] = Field(examples=[{"region": "440309", "status": "in_business", "industry": "O81"}])
    reasons_bilingual: list[dict[str, Any]] = Field(description="reasons with both languages and bins")
    purpose: str = Field(examples=["loan_approval"])
    purpose_label: str = Field(examples=["loan approval"])


class EvidenceOut(BaseModel):
    enterprise_id: str = Field(examples=[EID])
    record_id: str = Field(examples=[RID])
    record_type: str = Field(examples=["event"])
    leaf_index: int = Field(examples=[1257])
    tree_size: int = Field(examples=[117401])
    leaf: str = Field(description="the leaf bytes (canonical JSON, or a sealed record's commitment)",
                      examples=['{"record":{"...":"..."},"record_id":"0194e34a...","type":"event"}'])
    leaf_hash: str = Field(examples=["n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="])
    inclusion_proof: list[str] = Field(description="RFC 9162 audit path, base64, leaf to root")
    checkpoint: str = Field(description="signed checkpoint the proof verifies against", examples=[NOTE])
    current_checkpoint: str = Field(description="the ledger's current signed checkpoint", examples=[NOTE])
    public_key: str = Field(examples=[VKEY])
    sealed: bool = Field(examples=[False])
    content: dict[str, Any] | None = Field(description="the record (absent when sealed or erased)")
    query_id: str = Field(examples=["q-5f0c…"])


class BatchIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"purpose": "post_loan_management",
                                                               "enterprise_ids": [EID, "91440303J891JG5JP6"]}]})
    purpose: Purpose
    enterprise_ids: list[str] = Field(min_length=1, max_length=10_000)


class FirmHit(BaseModel):
    enterprise_id: str = Field(examples=[EID])
    name: str | None = Field(examples=["深圳瑞锦汽车维修有限公司"])
    region: str | None = Field(examples=["440309"])
    status: str | None = Field(examples=["in_business"])


class SearchPage(BaseModel):
    items: list[FirmHit]
    next_cursor: str | None = Field(examples=[None])
    query_id: str = Field(examples=["q-5f0c…"])


class QueryLogItem(BaseModel):
    entry_id: str = Field(examples=["q-5f0c9a…"])
    at: str = Field(examples=["2026-12-03T13:05:00.123456+00:00"])
    institution_id: str | None = Field(examples=["bank-a"])
    principal: str = Field(examples=["bank-a-loans"])
    role: str = Field(examples=["client"])
    purpose: str = Field(examples=["loan_approval"])
    purpose_label: str = Field(examples=["loan approval"])
    endpoint: str = Field(examples=["score"])
    enterprise_id: str | None = Field(examples=[EID])
    returned: dict[str, Any] = Field(examples=[{"score_id": f"2025-06-30/4606a89344bd0f01/{EID}/stored"}])
    leaf_index: int | None = Field(examples=[117402])


class QueryLogPage(BaseModel):
    items: list[QueryLogItem]
    next_cursor: str | None = Field(examples=["eyJzIjogMTJ9.abc"])


class EntryProof(BaseModel):
    entry: QueryLogItem
    leaf: str = Field(examples=['{"record":{"endpoint":"score","...":"..."},"record_id":"q-5f0c9a...",'
                                '"record_type":"query_log"}'])
    leaf_index: int = Field(examples=[117402])
    tree_size: int = Field(examples=[117450])
    inclusion_proof: list[str] = Field(examples=[["n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="]])
    checkpoint: str = Field(examples=[NOTE])
    public_key: str = Field(examples=[VKEY])


class GrantIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"institution_id": "bank-a", "purpose": "loan_approval",
                                                               "valid_days": 365}]})
    institution_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    purpose: Purpose
    valid_days: int = Field(default=365, ge=1, le=1825)


class GrantOut(BaseModel):
    grant_id: str = Field(examples=["g-0123456789abcdef01234567"])
    institution_id: str = Field(examples=["bank-a"])
    purpose: str = Field(examples=["loan_approval"])
    effective_from: str = Field(examples=["2026-12-03"])
    effective_to: str | None = Field(examples=["2027-12-03"])
    revoked_at: str | None = Field(examples=[None])
    record_id: str = Field(description="the authorization_grant record in the data home and the ledger",
                           examples=["4c6afb1d6d1f9aa8e03bdabf7cf55af1"])
    revocation_record_id: str | None = Field(examples=[None])
    valid: bool = Field(examples=[True])


class GrantList(BaseModel):
    items: list[GrantOut]


class InstitutionOut(BaseModel):
    institution_id: str = Field(examples=["bank-a"])
    name_zh: str = Field(examples=["甲银行"])
    name_en: str = Field(examples=["Bank A"])
    active: bool = Field(examples=[True])


class InstitutionList(BaseModel):
    items: list[InstitutionOut]


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    as_of: str = Field(examples=["2025-06-30"])
    model_id: str = Field(examples=["4606a89344bd0f01…"])
    firms: int = Field(examples=[20000])
    ledger_pending: bool = Field(examples=[False])
