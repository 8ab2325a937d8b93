"""Photos in an S3-compatible bucket (S3_BUCKET), as several web hosts share them: stored
private, served through the access-checked view. A local S3 server (moto) stands in for the
regency's object storage."""

import boto3
import pytest
from django.core.files.storage import storages

from complaints.models import Complaint
from tests.complaints.test_photos import form_data, image_bytes, upload
from tests.integration.conftest import free_port

BUCKET = "badung-portal-photos"


@pytest.fixture
def bucket(settings):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port())
    server.start()
    endpoint = f"http://127.0.0.1:{server._port}"
    credentials = {"aws_access_key_id": "portal", "aws_secret_access_key": "portal-secret"}
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials)
    s3.create_bucket(Bucket=BUCKET)
    # The same storage settings.py builds when S3_BUCKET is set.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": credentials["aws_access_key_id"],
                "secret_key": credentials["aws_secret_access_key"],
                "region_name": "us-east-1",
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
    }
    yield s3
    server.stop()


@pytest.mark.django_db
def test_photos_go_to_the_bucket_private_and_come_back_through_the_portal(client, bucket):
    assert type(storages["default"]).__name__ == "S3Storage"
    response = client.post("/", form_data(photos=[upload(image_bytes("PNG"), name="a.png")]))
    assert response.status_code == 302
    photo = Complaint.objects.get().attachments.get()
    keys = {o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert {photo.image.name, photo.thumbnail.name} == keys
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=photo.image.name)["Grants"]
    assert not any(g["Grantee"].get("URI", "").endswith("/AllUsers") for g in grants)
    served = client.get(photo.get_absolute_url())
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
