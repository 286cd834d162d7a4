"""Object storage and database replicas (issue 22, item 5): the real S3 API server."""

from tests.support.s3 import s3_server, s3_storage  # noqa: F401  # moto in server mode
