"""nginx in front of test and bench app processes, from the shipped deploy/nginx.conf.

The file an operator copies to /etc/nginx/conf.d/ is rendered with only what must differ on a
machine without root: the upstream ports, the listening ports (no 80/443), the certificate
(a self-signed one made here for 127.0.0.1), the static files' directory and the server name.
Everything else (TLS and HTTP/2, WebSocket upgrades, timeouts, body size, X-Request-ID,
X-Forwarded-*) is the shipped text. One line is added inside ``location /`` for the test to
see which app process answered: ``add_header X-Upstream $upstream_addr always;``.

Used by tests/deploy/test_two_processes.py and bench/locust_run.py. scripts/deploy_smoke.py
(CI's deployment section, run from the wheel in a fresh virtual environment) renders the same
file with fixed ports in its own ``nginx_config``; both refuse a changed shape of the shipped
file, so a change to deploy/nginx.conf that breaks one breaks the other.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.http import wait_listening

BASE_DIR = Path(__file__).resolve().parent.parent
SHIPPED = BASE_DIR / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_binary() -> str | None:
    """The nginx executable, or None when this machine has none (apt-get install nginx-light)."""
    return NGINX if Path(NGINX).is_file() else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1 and localhost, valid for a day."""
    cert, key = directory / "hanse.pem", directory / "hanse.key"
    subprocess.run(  # noqa: S603  # fixed arguments
        [
            "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
            "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def render(
    *,
    upstream_ports: list[int],
    http_port: int,
    https_port: int,
    cert: Path,
    key: Path,
    static_root: Path,
    server_name: str = "127.0.0.1",
) -> str:
    """deploy/nginx.conf with this machine's ports, certificate and static directory."""
    text = SHIPPED.read_text()
    upstream = re.search(r"upstream hanse \{\n(.*?)\n\s*keepalive", text, re.S)
    if upstream is None:
        raise ValueError("deploy/nginx.conf: no `upstream hanse` block with keepalive")
    servers = [line for line in upstream.group(1).splitlines() if "server 127.0.0.1:" in line]
    if not servers:
        raise ValueError("deploy/nginx.conf: no `server 127.0.0.1:PORT` in the upstream")
    template = servers[0]
    lines = "\n".join(re.sub(r":\d+", f":{port}", template, count=1) for port in upstream_ports)
    text = text.replace("\n".join(servers), lines)
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/ssl/certs/hanse.pem": str(cert),
        "/etc/ssl/private/hanse.key": str(key),
        "alias /srv/hanse/var/static/;": f"alias {static_root}/;",
        "server_name hanse.bank.example;": f"server_name {server_name};",
        # So that a test can see which app process answered.
        "        proxy_pass http://hanse;": (
            "        proxy_pass http://hanse;\n        add_header X-Upstream $upstream_addr always;"
        ),
    }
    for old, new in replacements.items():
        if old not in text:
            raise ValueError(f"deploy/nginx.conf no longer holds {old!r}: update bench/nginx.py")
        text = text.replace(old, new)
    return text


def main_config(site: Path, workdir: Path, *, worker_processes: int = 1) -> str:
    """What /etc/nginx/nginx.conf of Debian provides around conf.d, for a non-root nginx."""
    temp = {name: workdir / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(parents=True, exist_ok=True)
    return f"""daemon off;
worker_processes {worker_processes};
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    # Timings per request: the whole request at nginx and the app's part of it, so that a
    # slow p99 in the bench can be placed (app, nginx or the load generator).
    log_format timed '$remote_addr [$time_local] "$request" $status $body_bytes_sent '
                     'rt=$request_time urt=$upstream_response_time up=$upstream_addr';
    access_log {workdir / "access.log"} timed;
    client_body_temp_path {temp["client_body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {site};
}}
"""


@dataclass
class Nginx:
    process: subprocess.Popen[bytes]
    http_port: int
    https_port: int
    cert: Path
    workdir: Path

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def ws_url(self) -> str:
        return f"wss://127.0.0.1:{self.https_port}/ws/"

    def error_log(self) -> str:
        try:
            return (self.workdir / "error.log").read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start(
    upstream_ports: list[int], workdir: Path, static_root: Path, *, worker_processes: int = 1
) -> Nginx:
    """nginx with the rendered deploy/nginx.conf, in the foreground of a child process;
    returns once it accepts TLS connections. ``nginx -t`` checks the file first."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed")
    workdir.mkdir(parents=True, exist_ok=True)
    cert, key = self_signed_certificate(workdir)
    http_port, https_port = _free_port(), _free_port()
    site = workdir / "hanse.conf"
    site.write_text(
        render(
            upstream_ports=upstream_ports, http_port=http_port, https_port=https_port,
            cert=cert, key=key, static_root=static_root,
        )
    )  # fmt: skip
    main = workdir / "nginx.conf"
    main.write_text(main_config(site, workdir, worker_processes=worker_processes))
    checked = subprocess.run(  # noqa: S603  # our nginx, our file
        [binary, "-t", "-c", str(main), "-e", str(workdir / "error.log")],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    if checked.returncode != 0:
        raise RuntimeError(f"nginx -t refused the rendered deploy/nginx.conf:\n{checked.stderr}")
    with (workdir / "stderr.log").open("wb") as log:
        process = subprocess.Popen(  # noqa: S603  # our nginx, our file
            [binary, "-c", str(main), "-e", str(workdir / "error.log")],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    nginx = Nginx(process, http_port, https_port, cert, workdir)
    wait_listening(process, https_port, 20, "nginx", nginx.error_log, nginx.stop)
    return nginx
