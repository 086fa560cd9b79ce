"""Entry point: `gunicorn -c gunicorn.conf.py` (make run, production) imports `app` from here;
`python run.py` serves with Werkzeug's development server, for debugging only."""
from app import create_app

app = create_app()

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=app.config["PORT"], debug=False)
