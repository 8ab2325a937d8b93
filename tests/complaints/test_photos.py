"""Photos of complaints (SPEC §3, §8.1, §9): content checks, limits, EXIF, serving, access."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from PIL import ExifTags, Image, ImageFile

from accounts.roles import ANONYMOUS
from complaints import lifecycle, photos
from complaints.models import Attachment, Complaint, Event
from complaints.photos import PhotoRejected, prepare
from tests.factories import complaint_in

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
UNREADABLE = "not a photo we can read"
WRONG_FORMAT = "Only JPEG, PNG and WebP photos are accepted"


# Helpers -------------------------------------------------------------------------------------


def image_bytes(fmt="JPEG", size=(20, 10), mode="RGB", color="red", **save):
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **save)
    return out.getvalue()


def palette_png(transparent=False):
    image = Image.new("P", (20, 10), 0)
    image.putpalette([30, 120, 200] * 256)
    out = io.BytesIO()
    image.save(out, "PNG", **({"transparency": 0} if transparent else {}))
    return out.getvalue()


def upload(data=None, name="photo.jpg"):
    """A file as a browser sends it: the claimed type says JPEG whatever the content is."""
    return SimpleUploadedFile(
        name, image_bytes() if data is None else data, content_type="image/jpeg"
    )


def opened(data):
    return Image.open(io.BytesIO(data))


def gps_exif(orientation=None):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCam"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (8.0, 43.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (115.0, 10.0, 5.0)
    return exif


def png_declaring(width, height):
    """A valid PNG header claiming `width` x `height` pixels, with almost no pixel data."""

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail loudly if any pixel data is decoded."""

    def refuse(self):
        raise AssertionError("pixel data was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


@pytest.fixture
def build(verifier, officer, pupr):
    """A complaint handled by PUPR in the given stage; returns (complaint, access_key)."""

    def build(stage="in_progress", **filing):
        return complaint_in(stage, verifier=verifier, handler=officer, opd=pupr, **filing)

    return build


def attach(complaint, actor=None, data=None):
    actor = actor or ANONYMOUS.with_access_key_for(complaint)
    return lifecycle.attach_photo(complaint, actor=actor, photo=prepare(upload(data)))


def fetch(client, url, **headers):
    """GET a photo; return the response and its body.

    Reading a streamed body to its end closes the file (the test client's WSGI emulation);
    closing the response again would also close the test's database connection.
    """
    response = client.get(url, **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def login(user):
    client = Client()
    client.force_login(user)
    return client


# prepare(): judged by content ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "extension", "fmt", "mode"),
    [
        (image_bytes("JPEG"), "jpg", "JPEG", "RGB"),
        (image_bytes("JPEG", mode="L", color=128), "jpg", "JPEG", "RGB"),
        (image_bytes("PNG"), "png", "PNG", "RGB"),
        (image_bytes("PNG", mode="RGBA", color=(255, 0, 0, 128)), "png", "PNG", "RGBA"),
        (palette_png(), "png", "PNG", "RGBA"),
        (image_bytes("WEBP"), "webp", "WEBP", "RGB"),
    ],
    ids=["jpeg", "jpeg-grey", "png", "png-rgba", "png-palette", "webp"],
)
def test_jpeg_png_and_webp_are_accepted_and_re_encoded(data, extension, fmt, mode):
    prepared = prepare(upload(data))
    assert prepared.extension == extension
    stored = opened(prepared.image)
    assert stored.format == fmt
    assert stored.mode == mode
    assert stored.size == (20, 10)
    assert opened(prepared.thumbnail).format == "JPEG"
    assert len(prepared.token) == 32
    image, thumbnail = prepared.files()
    assert image.name == f"{prepared.token}.{extension}"
    assert thumbnail.name == f"{prepared.token}-thumb.jpg"


def test_transparency_survives_in_the_png_and_turns_white_in_the_thumbnail():
    prepared = prepare(upload(palette_png(transparent=True)))
    assert opened(prepared.image).getpixel((3, 3))[3] == 0
    red, green, blue = opened(prepared.thumbnail).getpixel((3, 3))
    assert min(red, green, blue) > 240


def test_a_png_named_jpg_is_stored_as_png():
    prepared = prepare(upload(image_bytes("PNG"), name="photo.jpg"))
    assert prepared.extension == "png"
    assert opened(prepared.image).format == "PNG"
    assert "photo" not in prepared.files()[0].name


JPEG = image_bytes("JPEG", size=(200, 100))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Dear regent, the road in front of my house is broken.\n", UNREADABLE),
        (b"", UNREADABLE),
        (JPEG[: len(JPEG) // 2], UNREADABLE),
        (JPEG[:200], UNREADABLE),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            b"<script>alert(1)</script></svg>",
            UNREADABLE,
        ),
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", UNREADABLE),
        (image_bytes("GIF"), WRONG_FORMAT),
        (image_bytes("BMP"), WRONG_FORMAT),
        (image_bytes("TIFF"), WRONG_FORMAT),
    ],
    ids=[
        "text",
        "empty",
        "truncated-jpeg",
        "jpeg-header-only",
        "svg",
        "html",
        "gif",
        "bmp",
        "tiff",
    ],
)
def test_other_files_named_jpg_are_refused_with_a_clear_message(english, data, message):
    with pytest.raises(PhotoRejected, match=message):
        prepare(upload(data))


def test_a_file_over_max_bytes_is_refused(english, monkeypatch):
    data = image_bytes("PNG")
    monkeypatch.setattr(photos, "MAX_BYTES", len(data) - 1)
    with pytest.raises(PhotoRejected, match="larger than"):
        prepare(upload(data))
    monkeypatch.setattr(photos, "MAX_BYTES", len(data))
    assert prepare(upload(data)).extension == "png"


def test_a_photo_over_max_pixels_is_refused(english, monkeypatch):
    monkeypatch.setattr(photos, "MAX_PIXELS", 20 * 10 - 1)
    with pytest.raises(PhotoRejected, match="too many pixels"):
        prepare(upload())
    monkeypatch.setattr(photos, "MAX_PIXELS", 20 * 10)
    assert prepare(upload()).extension == "jpg"


@pytest.mark.parametrize(("width", "height"), [(8_000, 6_000), (100_000, 100_000)])
def test_a_png_declaring_huge_dimensions_is_refused_without_decoding(
    english, no_decoding, width, height
):
    with pytest.raises(PhotoRejected):
        prepare(upload(png_declaring(width, height), name="bomb.png"))


def test_a_png_over_max_pixels_gets_the_pixel_message(english, no_decoding):
    with pytest.raises(PhotoRejected, match="too many pixels"):
        prepare(upload(png_declaring(8_000, 6_000)))


def test_a_108_megapixel_photo_is_refused_for_its_pixels(english, no_decoding):
    with pytest.raises(PhotoRejected, match="too many pixels"):
        prepare(upload(png_declaring(12_000, 9_000)))


@pytest.mark.parametrize("limit", [50, 150])  # Pillow's error, and its warning
def test_pillow_decompression_bomb_checks_refuse_the_file(english, monkeypatch, limit):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)
    with pytest.raises(PhotoRejected, match="too many pixels"):
        prepare(upload(image_bytes("PNG")))


def test_a_camera_jpeg_with_a_multi_picture_segment_is_accepted_as_jpeg():
    data = image_bytes("MPO", save_all=True, append_images=[Image.new("RGB", (20, 10), "blue")])
    prepared = prepare(upload(data))
    assert prepared.extension == "jpg"
    stored = opened(prepared.image)
    assert stored.format == "JPEG"
    assert getattr(stored, "n_frames", 1) == 1


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_with_gps_is_removed(fmt):
    data = image_bytes(fmt, exif=gps_exif())
    assert opened(data).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the upload has a position
    prepared = prepare(upload(data))
    for stored in (opened(prepared.image), opened(prepared.thumbnail)):
        assert len(stored.getexif()) == 0
        assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "exif" not in stored.info
        assert "xmp" not in stored.info
    assert b"PhoneCam" not in prepared.image
    assert b"PhoneCam" not in prepared.thumbnail


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_orientation_is_applied(fmt):
    # Left half red, right half blue; Orientation 6 means "turn 90° clockwise to view".
    image = Image.new("RGB", (20, 10), "red")
    image.paste(Image.new("RGB", (10, 10), "blue"), (10, 0))
    out = io.BytesIO()
    image.save(out, fmt, exif=gps_exif(orientation=6))
    prepared = prepare(upload(out.getvalue()))
    stored = opened(prepared.image)
    assert stored.size == (10, 20)
    assert opened(prepared.thumbnail).size == (10, 20)
    top, bottom = stored.convert("RGB").getpixel((5, 3)), stored.convert("RGB").getpixel((5, 16))
    assert top[0] > 200 > top[2]  # red on top
    assert bottom[2] > 200 > bottom[0]  # blue below
    assert ExifTags.Base.Orientation not in stored.getexif()


def test_the_thumbnail_is_a_jpeg_of_at_most_480_pixels():
    prepared = prepare(upload(image_bytes("PNG", size=(1200, 800), mode="RGBA")))
    assert opened(prepared.image).size == (1200, 800)
    thumbnail = opened(prepared.thumbnail)
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (480, 320)


def test_a_small_photo_is_not_enlarged_for_its_thumbnail():
    prepared = prepare(upload(image_bytes(size=(300, 40))))
    assert opened(prepared.thumbnail).size == (300, 40)


def test_only_the_handling_opd_adds_resolution_photos(build, officer):
    c, _key = build("resolved")
    reporter = ANONYMOUS.with_access_key_for(c)
    with pytest.raises(lifecycle.NotAllowed):
        lifecycle.attach_photo(c, actor=reporter, photo=prepare(upload()), is_resolution=True)
    attachment = lifecycle.attach_photo(
        c, actor=officer, photo=prepare(upload()), is_resolution=True
    )
    assert attachment.is_resolution
    assert attachment.uploaded_by == officer.user


# The filing form ----------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "kind": "complaint",
        "category": "jalan_rusak",
        "kecamatan": "51.03.01",
        "desa": "51.03.01.1002",
        "address_detail": "Jalan Raya Kuta",
        "title": "Jalan berlubang di depan pasar",
        "description": "Lubang besar, sudah dua motor jatuh.",
        "privacy": "public",
        "reporter_name": "Komang",
        "reporter_email": "komang@example.org",
        "reporter_phone": "",
    }
    data.update(overrides)
    return data


def test_two_photos_are_filed_with_the_complaint(client, settings):
    files = [upload(name="depan.jpg"), upload(image_bytes("PNG"), name="samping.png")]
    response = client.post("/", form_data(photos=files))
    assert response.status_code == 302
    c = Complaint.objects.get()
    attachments = list(c.attachments.order_by("pk"))
    assert [a.extension for a in attachments] == ["jpg", "png"]
    assert not any(a.is_resolution for a in attachments)
    assert c.events.filter(action=Event.Action.PHOTO_ADDED, by=Event.By.REPORTER).count() == 2
    assert len(stored_files(settings)) == 4  # each photo and its thumbnail
    page = client.get(f"/complaints/{c.tracking_code}/")
    for a in attachments:
        assert a.thumbnail_url() in page.content.decode()


def test_six_photos_are_refused_and_nothing_is_stored(client, settings):
    files = [upload(name=f"foto{n}.jpg") for n in range(6)]
    response = client.post("/", form_data(photos=files), **EN)
    assert response.status_code == 400
    assert "At most 5 photos" in response.content.decode()
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_one_bad_file_redisplays_the_form_naming_it_and_stores_nothing(client, settings):
    files = [upload(name="jalan.jpg"), upload(b"just some notes", name="catatan.jpg")]
    response = client.post("/", form_data(photos=files), **EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert "catatan.jpg" in html
    assert UNREADABLE in html
    assert "jalan.jpg:" not in html
    assert response.context["form"].data["title"] == "Jalan berlubang di depan pasar"
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_a_hostile_file_name_is_escaped_in_the_form_error(client):
    name = "<img src=x onerror=alert(1)>.jpg"
    response = client.post("/", form_data(photos=[upload(b"nope", name=name)]), **EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<img src=x onerror" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.jpg" in html


# API: POST complaints/{code}/attachments/ ---------------------------------------------------


def post_photo(api, code, data=None, *, key=None, user=None, name="photo.jpg", field="image"):
    api.force_authenticate(user)
    extra = dict(EN)
    if key:
        extra["HTTP_X_ACCESS_KEY"] = key
    body = {} if field is None else {field: upload(data, name=name)}
    return api.post(f"{URL}{code}/attachments/", body, format="multipart", **extra)


def test_reporter_adds_a_photo_with_the_access_key_and_its_urls_open(api, build, client):
    c, key = build("dispatched")
    response = post_photo(api, c.tracking_code, image_bytes("PNG"), key=key)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "url", "thumbnail_url"}
    attachment = Attachment.objects.get(complaint=c)
    assert body["id"] == attachment.token
    assert body["url"] == f"http://testserver{attachment.get_absolute_url()}"
    assert body["thumbnail_url"] == f"http://testserver{attachment.thumbnail_url()}"

    full, data = fetch(client, body["url"])
    assert full.status_code == 200
    assert full["Content-Type"] == "image/png"
    assert full["X-Content-Type-Options"] == "nosniff"
    assert opened(data).format == "PNG"
    thumb, data = fetch(client, body["thumbnail_url"])
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/jpeg"
    assert thumb["X-Content-Type-Options"] == "nosniff"
    assert opened(data).format == "JPEG"


def test_no_key_on_someone_elses_public_complaint_gives_403(api, build):
    c, _key = build("dispatched")
    response = post_photo(api, c.tracking_code)
    assert response.status_code == 403
    assert "detail" in response.json()
    assert not Attachment.objects.exists()


def test_wrong_key_on_a_confidential_complaint_gives_404(api, build):
    c, _key = build("dispatched", privacy="confidential")
    assert post_photo(api, c.tracking_code).status_code == 404
    assert post_photo(api, c.tracking_code, key="not-the-key").status_code == 404
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (None, None, "No file was submitted"),
        (b"just text", "image", UNREADABLE),
        (image_bytes("GIF"), "image", WRONG_FORMAT),
    ],
    ids=["missing", "text", "gif"],
)
def test_missing_or_bad_file_gives_400_on_image(api, build, data, field, message):
    c, key = build("dispatched")
    response = post_photo(api, c.tracking_code, data, key=key, field=field)
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == ["image"]
    assert message in errors["image"][0]
    assert not Attachment.objects.exists()


def test_the_sixth_photo_gives_400(api, build, settings):
    c, key = build("dispatched")
    for _ in range(5):
        attach(c)
    response = post_photo(api, c.tracking_code, key=key)
    assert response.status_code == 400
    assert "at most 5 photos" in response.json()["image"][0]
    assert c.attachments.count() == 5
    assert len(stored_files(settings)) == 10


def test_a_closed_complaint_takes_no_photo(api, build):
    c, key = build("closed")
    response = post_photo(api, c.tracking_code, key=key)
    assert response.status_code == 409
    assert "detail" in response.json()
    assert not Attachment.objects.exists()


def test_the_handling_officer_may_add_a_photo(api, build, officer_user):
    c, _key = build("in_progress")
    response = post_photo(api, c.tracking_code, user=officer_user)
    assert response.status_code == 201
    attachment = Attachment.objects.get(complaint=c)
    assert attachment.uploaded_by == officer_user
    assert not attachment.is_resolution
    event = c.events.get(action=Event.Action.PHOTO_ADDED)
    assert event.by == Event.By.STAFF


@pytest.mark.parametrize("who", ["other_officer_user", "verifier_user", "citizen_user"])
def test_others_may_not_add_photos(api, build, request, who):
    c, _key = build("in_progress")
    response = post_photo(api, c.tracking_code, user=request.getfixturevalue(who))
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_photo_added_appears_in_the_public_timeline(api, build):
    c, key = build("dispatched")
    assert post_photo(api, c.tracking_code, key=key).status_code == 201
    api.force_authenticate(None)
    timeline = api.get(f"{URL}{c.tracking_code}/timeline/").json()
    assert timeline[-1]["action"] == "photo_added"
    assert c.events.get(action=Event.Action.PHOTO_ADDED).is_public


# Serving: through an access-checked view only -----------------------------------------------


def test_a_public_complaints_photo_opens_for_anyone(build, client):
    c, _key = build("dispatched")
    attachment = attach(c)
    for url in (attachment.get_absolute_url(), attachment.thumbnail_url()):
        response, data = fetch(client, url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("public")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'"
        assert opened(data).format == "JPEG"


@pytest.fixture
def confidential(build):
    c, key = build("dispatched", privacy="confidential")
    return c, key, attach(c)


@pytest.mark.parametrize("who", [None, "other_officer_user", "camat_user", "citizen_user"])
def test_a_confidential_complaints_photo_is_404_for_others(confidential, request, who):
    _c, _key, attachment = confidential
    client = login(request.getfixturevalue(who)) if who else Client()
    for url in (attachment.get_absolute_url(), attachment.thumbnail_url()):
        response, data = fetch(client, url)
        assert response.status_code == 404
        assert b"JFIF" not in data


def test_a_confidential_photo_opens_with_the_access_key_header(confidential):
    _c, key, attachment = confidential
    client = Client()
    wrong, _data = fetch(client, attachment.get_absolute_url(), HTTP_X_ACCESS_KEY="wrong")
    assert wrong.status_code == 404
    response, data = fetch(client, attachment.get_absolute_url(), HTTP_X_ACCESS_KEY=key)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert opened(data).format == "JPEG"


def test_a_confidential_photo_opens_in_the_browser_that_gave_the_key(confidential):
    c, key, attachment = confidential
    client = Client()
    client.post(f"/complaints/{c.tracking_code}/", {"access_key": key})
    response, _data = fetch(client, attachment.thumbnail_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_confidential_photo_opens_in_the_browser_that_filed_it(client):
    response = client.post("/", form_data(privacy="confidential", photos=[upload()]))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    mine, _data = fetch(client, attachment.get_absolute_url())
    assert mine.status_code == 200
    assert mine["Cache-Control"] == "private, no-store"
    assert fetch(Client(), attachment.get_absolute_url())[0].status_code == 404


@pytest.mark.parametrize("who", ["officer_user", "head_user", "verifier_user", "leadership_user"])
def test_a_confidential_photo_opens_for_those_allowed_to_see_it(confidential, request, who):
    _c, _key, attachment = confidential
    response, _data = fetch(login(request.getfixturevalue(who)), attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_unknown_token_size_or_code_gives_404(build, client):
    c, _key = build("dispatched")
    attachment = attach(c)
    code = c.tracking_code
    assert client.get(f"/complaints/{code}/photos/{'0' * 32}/full/").status_code == 404
    assert client.get(f"/complaints/{code}/photos/{attachment.token}/huge/").status_code == 404
    assert client.get(f"/complaints/BDG-ZZZZZZ/photos/{attachment.token}/full/").status_code == 404


def test_a_confidential_photo_is_not_reachable_through_a_public_complaints_code(
    build, confidential, client
):
    public, _key = build("dispatched")
    _c, _key, attachment = confidential
    url = f"/complaints/{public.tracking_code}/photos/{attachment.token}/full/"
    assert client.get(url).status_code == 404


def test_stored_files_have_random_names_and_no_media_route(client, settings):
    client.post("/", form_data(photos=[upload(name="rumah-saya-jl-melati-7.jpg")]))
    attachment = Attachment.objects.get()
    for stored in (attachment.image, attachment.thumbnail):
        assert attachment.token in stored.name
        assert "rumah" not in stored.name
        assert Path(stored.path).is_file()
        assert client.get(settings.MEDIA_URL + stored.name).status_code == 404
    assert attachment.image.name.endswith(f"{attachment.token}.jpg")
    response, _data = fetch(client, attachment.get_absolute_url())
    assert "rumah" not in response.get("Content-Disposition", "")


# The reporter's page and the staff resolution -----------------------------------------------


def reporter_client(c, key):
    client = Client()
    client.post(f"/complaints/{c.tracking_code}/", {"access_key": key})
    return client


def test_reporter_adds_a_photo_on_their_page(build):
    c, key = build("dispatched")
    client = reporter_client(c, key)
    add_url = f"/complaints/{c.tracking_code}/photos/"
    assert f'action="{add_url}"' in client.get(f"/complaints/{c.tracking_code}/").content.decode()
    response = client.post(add_url, {"image": upload()}, follow=True, **EN)
    assert response.redirect_chain[-1][0] == f"/complaints/{c.tracking_code}/"
    assert "Photo added." in response.content.decode()
    attachment = Attachment.objects.get(complaint=c)
    assert attachment.uploaded_by is None
    assert attachment.thumbnail_url() in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"%PDF-1.4 not a photo", UNREADABLE), (None, "Choose a photo.")],
    ids=["bad-file", "no-file"],
)
def test_reporter_page_shows_an_error_for_a_bad_photo(build, data, message):
    c, key = build("dispatched")
    client = reporter_client(c, key)
    body = {} if data is None else {"image": upload(data, name="laporan.jpg")}
    response = client.post(f"/complaints/{c.tracking_code}/photos/", body, follow=True, **EN)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_visitors_get_no_photo_form_and_cannot_add_photos(build, client):
    c, _key = build("dispatched")
    add_url = f"/complaints/{c.tracking_code}/photos/"
    assert add_url not in client.get(f"/complaints/{c.tracking_code}/").content.decode()
    response = client.post(add_url, {"image": upload()}, follow=True)
    assert response.status_code == 200
    assert not Attachment.objects.exists()
    secret, _key = build("dispatched", privacy="confidential")
    response = client.post(f"/complaints/{secret.tracking_code}/photos/", {"image": upload()})
    assert response.status_code == 404


def test_staff_resolve_with_a_photo_shows_the_result_on_the_public_page(build, officer_user):
    c, _key = build("in_progress")
    staff = login(officer_user)
    response = staff.post(
        f"/staff/complaints/{c.tracking_code}/resolve/",
        {"resolution": "Lubang sudah ditambal.", "photo": upload(image_bytes("WEBP"))},
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == "resolved"
    attachment = Attachment.objects.get(complaint=c)
    assert attachment.is_resolution
    assert attachment.extension == "webp"
    assert attachment.uploaded_by == officer_user

    visitor = Client()
    html = visitor.get(f"/complaints/{c.tracking_code}/", **EN).content.decode()
    assert attachment.thumbnail_url() in html
    assert "Photo of the result" in html
    full, data = fetch(visitor, attachment.get_absolute_url())
    assert full.status_code == 200
    assert full["Content-Type"] == "image/webp"
    assert opened(data).format == "WEBP"


def test_staff_resolve_with_a_bad_photo_changes_nothing(build, officer_user):
    c, _key = build("in_progress")
    staff = login(officer_user)
    response = staff.post(
        f"/staff/complaints/{c.tracking_code}/resolve/",
        {"resolution": "Sudah.", "photo": upload(b"GIF89a not really", name="hasil.jpg")},
        follow=True,
        **EN,
    )
    assert response.status_code == 200
    assert UNREADABLE in response.content.decode()
    c.refresh_from_db()
    assert c.status == "in_progress"
    assert not Attachment.objects.exists()


def test_resolution_photos_do_not_count_against_the_reporters_five(build, officer):
    c, _key = build("in_progress")
    for _ in range(5):
        attach(c)
    lifecycle.resolve(c, actor=officer, resolution="Sudah ditambal.")
    attachment = lifecycle.attach_photo(
        c, actor=officer, photo=prepare(upload()), is_resolution=True
    )
    assert attachment.is_resolution
    assert c.attachments.count() == 6
