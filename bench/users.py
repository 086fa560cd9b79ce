"""The benchmark's users: one administrator who opens every page, and the writers
requests are assigned to."""
BENCH_ADMIN = "bench-admin"
PASSWORD = "Bench-password-1"


def make_users(app, writers):
    """(writer ids, every user id) — made once per database."""
    from app.extensions import db

    sm = app.appbuilder.sm
    admin = sm.find_user(username=BENCH_ADMIN) or sm.add_user(
        BENCH_ADMIN, "Bench", "Admin", "bench-admin@example.org", sm.find_role("Admin"),
        PASSWORD)
    writer_role = sm.find_role("Writer")
    ids = []
    for k in range(1, writers + 1):
        name = f"writer{k:02d}"
        user = sm.find_user(username=name) or sm.add_user(
            name, "Schrijver", f"{k:02d}", f"{name}@example.org", writer_role, PASSWORD)
        ids.append(user.id)
    db.session.commit()
    return ids, ids + [admin.id]
