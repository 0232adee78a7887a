"""The main screen of a read-only session (``tokens --read-only``) on the fixed demo data."""

from __future__ import annotations

from main_app import FixedMainApp, build


class ReadOnlySessionApp(FixedMainApp):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, read_only=True, **kwargs)


app = build(ReadOnlySessionApp)

if __name__ == "__main__":
    app.run()
