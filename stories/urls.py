from django.urls import path

from . import feeds, views

app_name = "stories"

urlpatterns = [
    path("", views.feed, name="feed"),
    path("ny/", views.create, name="create"),
    path("udfordringer/", views.challenges, name="challenges"),
    path("udfordringer/ny/", views.challenge_create, name="challenge_create"),
    path("<int:pk>/svar/", views.reply, name="reply"),
    path("mine/", views.mine, name="mine"),
    path("foelg/", views.follows, name="follows"),
    path("foelg/skift/", views.follow, name="follow"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/rediger/", views.edit, name="edit"),
    path("<int:pk>/udgiv/", views.publish, name="publish"),
    path("<int:pk>/send-tilbage/", views.send_back, name="send_back"),
    path("<int:pk>/afpublicer/", views.unpublish, name="unpublish"),
    path("<int:pk>/arkiver/", views.archive, name="archive"),
    path("<int:pk>/tak/", views.thank, name="thank"),
    path("billeder/<int:pk>/", views.picture, name="picture"),
    path("offentlige/", views.public_list, name="public"),
    path("offentlige/<int:pk>/", views.public_detail, name="public_detail"),
    path("offentlige/feed.atom", feeds.public_feed, name="atom"),
]
