"""Jupyter server settings of ``make lab`` (JupyterLab at the repository root).

* Opening a notebook template (``src/ctgstats/notebooks/*.ipynb``) does not mark it
  modified: it is served with the kernel's own metadata (``ctgstats.core.lab.as_served``).
* Saving a template strips its outputs and execution counts (``pre_save_hook``,
  ``ctgstats.core.lab.strip_template``); the analysts' own notebooks elsewhere keep theirs.
"""

import platform

from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

from ctgstats.core import lab

c = get_config()  # noqa: F821 - provided by Jupyter when it reads this file

try:
    _KERNEL_NAME = KernelSpecManager().get_kernel_spec("python3").display_name
except NoSuchKernel:
    _KERNEL_NAME = "Python 3 (ipykernel)"


def _os_path(contents_manager, path):
    return contents_manager._get_os_path(path.strip("/"))


def strip_template_outputs(model, path, contents_manager, **kwargs):
    """pre_save_hook: a template is saved without its outputs."""
    if lab.strip_template(model, _os_path(contents_manager, path)):
        contents_manager.log.info(
            "%s : modèle de carnet enregistré sans ses sorties (elles restent affichées)", path
        )


class TemplateContentsManager(AsyncLargeFileManager):
    """Serves the templates with the kernel's metadata (opening them changes nothing)."""

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        return lab.as_served(
            model,
            _os_path(self, path),
            kernel_display_name=_KERNEL_NAME,
            python_version=platform.python_version(),
        )


c.ServerApp.contents_manager_class = TemplateContentsManager
c.FileContentsManager.pre_save_hook = strip_template_outputs
