"""Jupyter Server config of the Formgrader service only (hub/deploy.py installs it as
PREFIX/etc/formgrader/jupyter_server_config.py; the hub puts that folder first on the service's
JUPYTER_CONFIG_PATH).

JupyterHub >= 4.1 sends `frame-ancestors 'none'` from every server it runs, so JupyterLab cannot show
Formgrader in its iframe (jupyter/nbgrader#1870). The hub serves each user and each service on a
subdomain of its own (jupyterhub_config.py sets subdomain_host), so 'self' here means this service's
origin and nothing else: a student's server, on another origin, still cannot frame Formgrader.
Every other server keeps JupyterHub's 'none'.
"""
c = get_config()  # noqa: F821
c.ServerApp.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}
