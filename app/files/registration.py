from .views import FileView


def register(app, appbuilder):
    appbuilder.add_view_no_menu(FileView)
