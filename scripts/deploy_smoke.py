"""Deploy Hanse as docs/operations.md says, then use it through nginx as a person would.

From the wheel (``make dist``) into a fresh virtual environment, against PostgreSQL and Redis:
``hanse check``, ``migrate``, ``collectstatic``, ``hanse_vapid``, the demo; two uvicorn
processes, the task worker and the scheduler, with the commands and options of the docs;
nginx with ``deploy/nginx.conf`` (TLS from a throw-away certificate, ports moved so that no
root port is needed). Then, through nginx only: the login page and its static files, a login,
the start page, ``/readyz`` (worker and scheduler alive), a post with a 20 MB attachment read
back, and a WebSocket that receives the live event of a new post.

    .venv/bin/python scripts/deploy_smoke.py   # .ci/run runs it in the PostgreSQL section

Needs nginx and openssl (Debian packages), PostgreSQL and Redis (``DEPLOY_DATABASE_URL``,
``DEPLOY_REDIS_URL``; defaults are the local test servers). Exits non-zero on any failure.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg
import redis
import websockets

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("DEPLOY_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = "hanse_deploy_smoke"
DATABASE_URL = os.environ.get(
    "DEPLOY_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
)
REDIS_URL = os.environ.get("DEPLOY_REDIS_URL", "redis://127.0.0.1:6379/8")
HTTPS_PORT = int(os.environ.get("DEPLOY_HTTPS_PORT", "18443"))
HTTP_PORT = int(os.environ.get("DEPLOY_HTTP_PORT", "18080"))
APP_PORTS = (18000, 18001)
BASE = f"https://localhost:{HTTPS_PORT}"
UPLOAD_BYTES = 20 * 1024 * 1024


def step(text: str) -> None:
    print(f"--- {text}", flush=True)


def run(args: list[str], **kwargs: Any) -> str:
    done = subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode != 0:
        sys.exit(f"FAILED: {' '.join(args)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def nginx_config(work: Path) -> Path:
    """deploy/nginx.conf as shipped, with ports, certificate and paths of this run, inside the
    minimal main configuration that a distribution's nginx.conf provides."""
    server = (ROOT / "deploy" / "nginx.conf").read_text()
    server = server.replace("127.0.0.1:8000", f"127.0.0.1:{APP_PORTS[0]}")
    server = server.replace("127.0.0.1:8001", f"127.0.0.1:{APP_PORTS[1]}")
    server = server.replace("listen 443 ssl http2;", f"listen {HTTPS_PORT} ssl http2;")
    server = server.replace("listen 80;", f"listen {HTTP_PORT};")
    server = server.replace("hanse.bank.example", "localhost")
    server = server.replace("/etc/ssl/certs/hanse.pem", str(work / "cert.pem"))
    server = server.replace("/etc/ssl/private/hanse.key", str(work / "key.pem"))
    server = server.replace("/srv/hanse/var/static/", str(work / "var" / "static") + "/")
    for expected in (str(HTTPS_PORT), str(APP_PORTS[1]), str(work / "cert.pem")):
        if expected not in server:
            sys.exit(f"deploy/nginx.conf changed shape: could not place {expected}")
    main = f"""
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {work}/nginx-access.log;
    client_body_temp_path {work}/nginx-body;
    proxy_temp_path {work}/nginx-proxy;
    fastcgi_temp_path {work}/nginx-fastcgi;
    uwsgi_temp_path {work}/nginx-uwsgi;
    scgi_temp_path {work}/nginx-scgi;
{server}
}}
"""
    path = work / "nginx.conf"
    path.write_text(main)
    return path


def wait_for(url: str, *, timeout: float = 60, verify: bool = True, status: int = 200) -> None:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = httpx.get(url, verify=verify, timeout=5)
            if last.status_code == status:
                return
        except httpx.TransportError as exc:
            last = exc
        time.sleep(0.5)
    sys.exit(f"FAILED: {url} did not answer {status} in {timeout}s (last: {last!r})")


def login(client: httpx.Client, username: str, password: str) -> None:
    page = client.get("/accounts/login/")
    page.raise_for_status()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    done = client.post(
        "/accounts/login/",
        data={"csrfmiddlewaretoken": token.group(1), "login": username, "password": password},
        headers={"Referer": BASE + "/accounts/login/"},
    )
    assert done.status_code == 302, f"login answered {done.status_code}"


def csrf_of(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    page.raise_for_status()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, f"no CSRF token on {path}"
    return token.group(1)


async def live_post_arrives(client: httpx.Client, cookie: str) -> None:
    """A WebSocket through nginx subscribes to the company stream and sees a new post."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    async with websockets.connect(
        f"wss://localhost:{HTTPS_PORT}/ws/",
        origin=BASE,
        additional_headers={"Cookie": f"sessionid={cookie}"},
        ssl=context,
    ) as ws:
        hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert hello["type"] == "hello", hello
        await ws.send(json.dumps({"action": "subscribe", "topics": ["company"]}))
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if frame["type"] == "subscribed":
                break
        token = csrf_of(client, "/posts/new/")
        made = client.post(
            "/posts/new/",
            data={"csrfmiddlewaretoken": token, "body": "Live über nginx", "where": "company"},
            headers={"Referer": BASE + "/posts/new/"},
        )
        assert made.status_code == 302, f"post answered {made.status_code}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if frame.get("topic") == "company":
                return
        raise AssertionError("no live event for the new post")


def main() -> int:
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        sys.exit("nginx is not installed (apt-get install nginx-light)")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    work = Path(tempfile.mkdtemp(prefix="hanse-deploy-"))
    # nginx's workers run as another user and serve the collected static files from here.
    work.chmod(0o755)
    processes: list[subprocess.Popen[bytes]] = []
    started = time.monotonic()
    try:
        step("build the wheel (make dist)")
        run(["make", "dist"], cwd=ROOT)
        (wheel,) = (ROOT / "dist").glob("hanse-*.whl")

        step("install it into a fresh virtual environment")
        run([sys.executable, "-m", "venv", str(work / "venv")])
        pip = [str(work / "venv" / "bin" / "python"), "-m", "pip", "install", "-q"]
        lock = ROOT / "requirements" / "lock.txt"
        if lock.exists():
            run([*pip, "-r", str(lock)])
        run([*pip, str(wheel)])
        bin_dir = work / "venv" / "bin"

        step("a database and a Redis database of its own")
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            db.execute(f"CREATE DATABASE {DB_NAME}")
        redis.Redis.from_url(REDIS_URL).flushdb()

        env = {
            "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}",
            "HOME": str(work),
            "HANSE_ENV": "production",
            "SECRET_KEY": "deploy-smoke-" + "k" * 50,
            "HANSE_DATA_DIR": str(work / "var"),
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "ALLOWED_HOSTS": "localhost",
            "CSRF_TRUSTED_ORIGINS": BASE,
            "SITE_URL": BASE,
            "TRUSTED_PROXIES": "127.0.0.1,::1",
            "LINK_PREVIEWS_ENABLED": "false",
            "DEMO_PASSWORD": "hanse-demo",
        }
        hanse = [str(bin_dir / "hanse")]
        step("hanse check, migrate, collectstatic, hanse_vapid, the demo")
        run([*hanse, "check", "--fail-level", "ERROR"], env=env, cwd=work)
        run([*hanse, "migrate", "--no-input", "-v", "0"], env=env, cwd=work)
        run([*hanse, "collectstatic", "--no-input", "-v", "0"], env=env, cwd=work)
        run([*hanse, "hanse_vapid"], env=env, cwd=work)
        run([*hanse, "seed_demo", "--size", "small"], env=env, cwd=work)

        step("two uvicorn processes, the worker and the scheduler")
        logs = work / "logs"
        logs.mkdir()
        for port in APP_PORTS:
            command = [str(bin_dir / "uvicorn"), "hanse.asgi:application", "--host", "127.0.0.1"]
            command += ["--port", str(port), "--no-proxy-headers", "--lifespan", "off"]
            command += ["--ws-per-message-deflate", "false", "--no-access-log"]
            processes.append(
                subprocess.Popen(
                    command,
                    env=env,
                    cwd=work,
                    stdout=(logs / f"web-{port}.log").open("w"),
                    stderr=subprocess.STDOUT,
                )
            )
        for name in ("hanse_worker", "hanse_scheduler"):
            processes.append(
                subprocess.Popen(
                    [*hanse, name],
                    env=env,
                    cwd=work,
                    stdout=(logs / f"{name}.log").open("w"),
                    stderr=subprocess.STDOUT,
                )
            )
        for port in APP_PORTS:
            wait_for(f"http://127.0.0.1:{port}/healthz")

        step("nginx with deploy/nginx.conf")
        run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-keyout",
                str(work / "key.pem"),
                "-out",
                str(work / "cert.pem"),
            ]
        )
        config = nginx_config(work)
        run([nginx, "-t", "-c", str(config)])
        run([nginx, "-c", str(config)])

        step("through nginx: readiness, login page, static files")
        wait_for(f"{BASE}/readyz", verify=False, timeout=90)
        client = httpx.Client(base_url=BASE, verify=False, timeout=60, follow_redirects=False)
        page = client.get("/accounts/login/", headers={"Accept-Language": "de"})
        assert page.status_code == 200 and "Anmelden" in page.text, page.status_code
        statics = re.findall(r'(?:src|href)="(/static/[^"]+\.(?:js|css))"', page.text)
        assert statics, "the login page names no static file"
        for path in statics:
            answer = client.get(path)
            assert answer.status_code == 200, f"{path}: {answer.status_code}"
            assert "immutable" in answer.headers.get("cache-control", ""), path
        redirect = httpx.get(f"http://localhost:{HTTP_PORT}/", follow_redirects=False)
        assert redirect.status_code == 301, redirect.status_code

        step("log in, the start page")
        login(client, "anna.schmidt", "hanse-demo")
        home = client.get("/")
        assert home.status_code == 200, home.status_code

        step(f"a post with a {UPLOAD_BYTES // 2**20} MB attachment, read back")
        token = csrf_of(client, "/posts/new/")
        # A PDF as the sniffer knows it by its first bytes (random bytes alone are refused).
        payload = b"%PDF-1.7\n" + os.urandom(UPLOAD_BYTES - 16) + b"\n%%EOF\n"
        made = client.post(
            "/posts/new/",
            data={"csrfmiddlewaretoken": token, "body": "Großer Anhang", "where": "company"},
            files={"files": ("bericht.pdf", payload, "application/pdf")},
            headers={"Referer": BASE + "/posts/new/"},
        )
        assert made.status_code == 302, f"upload answered {made.status_code}: {made.text[:500]}"
        detail = client.get(made.headers["location"])
        assert detail.status_code == 200
        link = re.search(r'href="(/files/[^"]+)"', detail.text)
        assert link, "the post shows no file link"
        body = client.get(link.group(1))
        assert body.status_code == 200 and body.content == payload, "the file came back changed"

        step("a WebSocket through nginx receives the live event of a new post")
        asyncio.run(live_post_arrives(client, client.cookies["sessionid"]))

        step("readiness with worker, scheduler and queue")
        ready = client.get("/readyz").json()
        assert ready["status"] == "ok", ready
        print(f"OK: deployed and used through nginx in {time.monotonic() - started:.0f}s")
        return 0
    finally:
        if (work / "nginx.pid").exists():
            subprocess.run([nginx, "-c", str(work / "nginx.conf"), "-s", "stop"], check=False)
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if os.environ.get("DEPLOY_KEEP"):
            print(f"kept {work}")
        else:
            for log in sorted((work / "logs").glob("*.log")) if (work / "logs").exists() else []:
                tail = log.read_text()[-1500:]
                if "Traceback" in tail:
                    print(f"== {log.name}\n{tail}")
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
