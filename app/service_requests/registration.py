"""Every menu entry, view, API and public page of this domain, registered in one place."""


def register(app, appbuilder):
    pass
