from flask_appbuilder import IndexView


class HomeView(IndexView):
    """Start page after login: where each role usually begins."""

    index_template = "home.html"
