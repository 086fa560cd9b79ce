def register(app, appbuilder):
    from .index import install_listeners
    from .views import SearchView

    install_listeners()
    appbuilder.add_view_no_menu(SearchView)
