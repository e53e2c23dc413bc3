app_name = "codex"

urlpatterns: list = []
