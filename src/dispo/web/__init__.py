"""The web app: Django views and templates over the services, Danish UI, every asset served locally."""
