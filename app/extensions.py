"""Flask extensions, created unbound here and bound to each app in create_app()."""
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.utils.legacy import get_sqla_class
from flask_mail import Mail
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

# FAB's Model carries its own MetaData, apart from Flask-SQLAlchemy's; binding the db
# object to it keeps `flask db migrate` from generating a drop of every table.
db = get_sqla_class()(metadata=Model.metadata)
migrate = Migrate()
mail = Mail()
csrf = CSRFProtect()
