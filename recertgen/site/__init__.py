"""The static report site: view models, theme, charts, and a staged writer."""
