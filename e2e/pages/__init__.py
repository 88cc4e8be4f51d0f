"""Page objects: the only place that knows the apps' selectors, routes and texts."""
