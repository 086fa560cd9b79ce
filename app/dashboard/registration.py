def register(app, appbuilder):
    from .daily import register_job
    from .views import DashboardView

    appbuilder.add_view_no_menu(DashboardView)
    register_job(app)
