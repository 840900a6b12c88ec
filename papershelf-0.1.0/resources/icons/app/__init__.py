"""The application icon: a scalable SVG and PNG renderings of it for menus and bundles."""
