"""Every HTML page of the node: views per area, templates, static files, template tags, page forms."""
