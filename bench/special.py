"""The measurements that are not a page of a list: the public report with a phone
photo, the contractor's page, the work-order PDF and the outbox's throughput."""
import io
import statistics
import time

from .setup import DATA_DIR

PHOTO = DATA_DIR / "photo-12mp.jpg"


def phone_photo():
    """A 4000×3000 JPEG like a phone's (made once: gradients and noise, ~3 MB)."""
    if not PHOTO.exists():
        from PIL import Image, ImageFilter

        noise = Image.effect_noise((4000, 3000), 40).convert("RGB")
        gradient = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
        photo = Image.blend(noise.filter(ImageFilter.GaussianBlur(1)), gradient, 0.5)
        photo.save(PHOTO, "JPEG", quality=88)
    return PHOTO.read_bytes()


def report_post(client, counter, runs):
    """POST /report with a 12-megapixel photo, as a phone sends it."""
    from .measure import run

    data = phone_photo()

    def call():
        response = client.post("/report", data={
            "location_id": "1", "placement": "Hal", "description": "Lekkage bij de ingang",
            "first_name": "Bench", "last_name": "Melder", "email": "melder@example.org",
            "photo": (io.BytesIO(data), "IMG_0001.jpg", "image/jpeg")},
            content_type="multipart/form-data")
        return response.status_code, len(response.data)
    result = run(call, counter, runs, budget_s=10)
    result["photo_bytes"] = len(data)
    return result


def newest_order(app):
    from app.extensions import db
    from app.faults.models import WorkOrder

    with app.app_context():
        return db.session.query(WorkOrder.id).order_by(WorkOrder.id.desc()).limit(1).scalar()


def contractor_page(app, client, counter, runs, order_id):
    """The contractor's /wo/<token> page of an order (a fresh link is issued for it)."""
    from app.extensions import db
    from app.faults import tokens
    from app.faults.models import WorkOrder

    from .measure import run

    with app.app_context():
        order = db.session.get(WorkOrder, order_id)
        token = tokens.issue(order)
        db.session.commit()

    def call():
        response = client.get(f"/wo/{token}")
        return response.status_code, len(response.data)
    return run(call, counter, runs)


def reencode_pending(app):
    """The worker's step after the POSTs: their photos re-encoded (seconds each, off the
    request path), timed per photo."""
    from app.files import process_pending

    with app.app_context():
        t0 = time.perf_counter()
        ready, refused = process_pending(limit=1000)
        seconds = time.perf_counter() - t0
    return {"photos": ready, "refused": refused,
            "ms_per_photo": round(seconds * 1000 / ready, 1) if ready else None}


def work_order_pdf(app, counter, runs, order_id):
    """The work order as PDF (with its photo, when the report had one), as the worker
    builds it for the contractor's mail."""
    from app.extensions import db
    from app.faults.models import WorkOrder
    from app.faults.orders import work_order_pdf as render

    from .measure import run

    with app.app_context(), app.test_request_context():
        order = db.session.get(WorkOrder, order_id)

        def call():
            pdf = render(order)
            return 200, len(pdf)
        assert order.report.photo is None or order.report.photo.is_ready
        return run(call, counter, runs, budget_s=10)


def outbox(app, mails=300):
    """Mails per second from the outbox to a local SMTP server (aiosmtpd), as the worker
    sends them; the bench's mails are deleted afterwards."""
    from aiosmtpd.controller import Controller
    from sqlalchemy import delete

    from app.extensions import db
    from app.mail.models import OutboxMessage, OutboxStatus
    from app.mail.sender import send_due

    from .measure import free_port

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.received += 1
            return "250 OK"

    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    old = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    state = app.extensions["mail"]
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        state.server, state.port = "127.0.0.1", port
        with app.app_context():
            # Nothing else due: only the bench's mails are timed.
            db.session.query(OutboxMessage).filter(
                OutboxMessage.status == OutboxStatus.PENDING).update(
                {"status": OutboxStatus.SENT})
            db.session.add_all(OutboxMessage(
                message_id=f"<bench-{time.time_ns()}-{k}@bench.test>",
                recipients="partner@example.org", subject=f"Bench {k}",
                body_text="Een opdracht.\n" * 20, subject_type="Bench", subject_id=str(k))
                for k in range(mails))
            db.session.commit()
            t0 = time.perf_counter()
            sent = 0
            while sent < mails and time.perf_counter() - t0 < 120:
                done, _failed = send_due(limit=mails)
                if not done:
                    break
                sent += done
            seconds = time.perf_counter() - t0
            db.session.execute(delete(OutboxMessage).where(OutboxMessage.subject_type == "Bench"))
            db.session.commit()
    finally:
        controller.stop()
        app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = old
        state.server, state.port = old
    return {"mails": sent, "received": Sink.received, "seconds": round(seconds, 2),
            "mails_per_s": round(sent / seconds, 1) if seconds else None}


def median(values):
    return statistics.median(values) if values else None
