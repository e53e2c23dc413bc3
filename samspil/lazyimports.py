"""Third-party modules that a web worker imports at start-up but rarely runs: loaded on
first use instead (issue 19: every gunicorn worker ≤ 100 MB).

Our own code imports such modules inside the function that needs them (Celery, Pillow,
defusedxml, holidays: see samspil/celery.py, stories/images.py, organisation/importer.py,
samspil/daysoff.py). A library's module-level import cannot be moved, so the modules named
in `LAZY` are loaded with the standard library's `importlib.util.LazyLoader`: `import x`
gives a module object at once and runs the module's code on the first attribute access
(`x.name`), so a process that never calls into it never pays for it.

- `allauth.mfa.webauthn.internal.auth` (≈12 MB: `fido2`, cryptography's Rust bindings and
  the public suffix list): allauth's two-factor views, flows and login stage import it,
  and every URL configuration loads those; it is used when someone registers or uses a
  security key or a passkey, and when allauth checks a second factor (its
  `Authenticator.wrap()` imports all three kinds), so a worker that has served a
  two-factor login has it loaded.
- `sqlparse` (≈1.4 MB): Django's database operations import it to split SQL scripts
  (`prepare_sql_script`, which PostgreSQL's backend overrides) and SQLite's introspection
  to read table definitions; no page runs either.

Not `requests` (≈5 MB, allauth's OpenID Connect provider): allauth's OAuth2 views do
`from requests import RequestException` at import time, which would load it anyway.

Only modules that nothing reads at import time belong here (`from x import name` loads the
module then and gains nothing). One read is answered without loading: `__spec__`, which
every later `import x` of an already imported module reads (is it still initialising?).
The first access runs the module's code in whichever thread touches it; Python 3.11's
LazyLoader does not lock that, which is fine for gunicorn's sync workers and Celery's
prefork pool (one request or task at a time per process).
tests/core/test_memory.py checks that a web worker's start leaves them unloaded, and that
they still work when used. `install()` runs from samspil/__init__.py, before Django or
Celery import anything.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.util
import sys
import types

LAZY = frozenset({"allauth.mfa.webauthn.internal.auth", "sqlparse"})


class LazyFinder(importlib.abc.MetaPathFinder):
    """Finds the modules of `LAZY` with the other finders and wraps their loader."""

    def find_spec(self, fullname, path, target=None):
        if fullname not in LAZY:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = LazyLoader(spec.loader)
                return spec
        return None


class LazyLoader(importlib.util.LazyLoader):
    def exec_module(self, module):
        super().exec_module(module)
        module.__class__ = _answering_spec(type(module))


@functools.cache
def _answering_spec(lazy_module_class: type) -> type:
    """The standard library's lazy module class, except that reading `__spec__` does not load."""

    class LazyModule(lazy_module_class):
        def __getattribute__(self, attr):
            if attr == "__spec__":
                return types.ModuleType.__getattribute__(self, attr)
            return super().__getattribute__(attr)

    return LazyModule


def install() -> None:
    if not any(isinstance(finder, LazyFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, LazyFinder())
