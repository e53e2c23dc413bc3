from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Tools for developing and measuring Samspil, never part of the product: the
    benchmark's floor views, the scale data generator and the coverage dashboard's
    benchmark (`coverage_benchmark`). Installed only when DEBUG or
    SAMSPIL_DEVTOOLS=1 (bench/run sets it), so production has neither the URLs nor the
    command."""

    name = "devtools"
    verbose_name = "Development tools"
