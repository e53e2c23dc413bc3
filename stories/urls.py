app_name = "stories"

urlpatterns: list = []
