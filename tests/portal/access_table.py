from tests.access import Row, everyone

ROWS = [
    Row("portal:home", expect=everyone(200)),
    Row("portal:administration", expect={"admin": 200}, others=403),
    Row("healthz", anonymous=200, expect=everyone(200)),
]
