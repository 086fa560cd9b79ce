def register(app, appbuilder):
    from .views import DashboardView

    appbuilder.add_view_no_menu(DashboardView)
