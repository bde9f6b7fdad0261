#!/usr/bin/env python3
"""The end of ``make demo``: start the service, run a scripted client session over real HTTP, stop it.

token → score with a purpose → evidence with its proof verified client-side (scripts/verify_proof.py,
against the public key read from the ledger, not from the server) → the firm's own account reads its
query log and finds that lookup. ``--serve`` instead provisions demo credentials, prints them and keeps
the service running in the foreground (``make serve``).
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from firmscore.ledger import EvidenceLedger
from firmscore.service.demo import provision_demo
from firmscore.service.settings import ServiceSettings
from firmscore.service.store.db import connect_store
from firmscore.store import DataHome

HERE = Path(__file__).resolve().parent


def step(text: str) -> None:
    print(f"\n\033[1m-- {text}\033[0m", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("home")
    ap.add_argument("--port", type=int, default=8700)
    ap.add_argument("--serve", action="store_true")
    args = ap.parse_args()
    home = DataHome.open(args.home)
    settings = ServiceSettings(home=home.root)
    engine, sessions = connect_store(settings.db_url)
    creds = provision_demo(sessions, home)
    engine.dispose()
    url = f"http://127.0.0.1:{args.port}"
    serve = [sys.executable, "-m", "firmscore.cli", "serve", "--home", str(home.root), "--port", str(args.port)]
    if args.serve:
        print(f"service / 服务: {url}/v1   docs / 文档: {url}/docs")
        print(f"institution client / 机构客户端: client_id={creds['client_id']} client_secret={creds['client_secret']}")
        print(f"firm account / 企业账户 ({creds['enterprise_id']}): username={creds['username']} "
              f"password={creds['password']}")
        print("these secrets are shown once / 密钥仅显示一次", flush=True)
        os.execv(sys.executable, serve)
    proc = subprocess.Popen(serve)
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        step(f"service started at {url} / 服务已启动 (pid {proc.pid})")
        http = httpx.Client(base_url=url, timeout=30, headers={"Accept-Language": "en"})
        step("1. institution token (OAuth2 client credentials) / 机构获取令牌")
        tok = http.post("/v1/oauth/token", data={"grant_type": "client_credentials", "client_id": creds["client_id"],
                                                  "client_secret": creds["client_secret"]}).raise_for_status().json()
        print(f"token_type={tok['token_type']} expires_in={tok['expires_in']} scope={tok['scope']}")
        h = {"Authorization": f"Bearer {tok['access_token']}"}
        eid = creds["enterprise_id"]
        step(f"2. score of {eid} for loan approval / 贷款审批用途查询评分")
        s = http.get(f"/v1/enterprises/{eid}/score", params={"purpose": "loan_approval"}, headers=h)
        body = s.raise_for_status().json()
        print(f"score {body['score']} ({body['band']}), grade {body['grade']}, PD {body['pd']:.2%}, "
              f"depth {body['data_depth']}; consent: {body['consent']['status']} — {body['consent']['message_en']}")
        for r in body["reasons"]:
            print(f"  {r['rank']}. {r['text']} ({len(r['record_ids'])} records)")
        rid = next(x for r in body["reasons"] for x in r["record_ids"])
        step(f"3. evidence record {rid} with its inclusion proof, verified here / 证据与包含证明(本地验证)")
        ev = http.get(f"/v1/enterprises/{eid}/evidence/{rid}", params={"purpose": "loan_approval"}, headers=h)
        ev.raise_for_status()
        with EvidenceLedger.for_home(home) as ledger:
            key = ledger.public_key()  # the published key, not the one in the response
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            fh.write(ev.text)
        done = subprocess.run([sys.executable, str(HERE / "verify_proof.py"), fh.name, key], check=False)
        os.unlink(fh.name)
        if done.returncode != 0:
            return 1
        step(f"4. the firm's own account reads its query log / 企业查看本企业被查询记录 ({creds['username']})")
        st = http.post("/v1/oauth/token", data={"grant_type": "password", "username": creds["username"],
                                                 "password": creds["password"]}).raise_for_status().json()
        log = http.get("/v1/me/query-log", headers={"Authorization": f"Bearer {st['access_token']}"}).json()
        for item in log["items"][:5]:
            print(f"  {item['at']}  {item['institution_id']}  {item['purpose_label']:<14} {item['endpoint']:<8} "
                  f"{json.dumps(item['returned'].get('score_id', item['returned'].get('record_ids')))[:70]}")
        seen = {i["entry_id"] for i in log["items"]}
        ok = body["query_id"] in seen and ev.json()["query_id"] in seen
        print("the lookup is in the firm's query log / 查询已记入企业可见的查询日志" if ok else "LOOKUP MISSING")
        return 0 if ok else 1
    finally:
        step("stopping the service / 停止服务")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
