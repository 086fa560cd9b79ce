def register(app, appbuilder):
    from .index import install_listeners
    from .views import SearchView, search_allowed

    install_listeners()
    app.jinja_env.globals["search_allowed"] = search_allowed
    appbuilder.add_view_no_menu(SearchView)
