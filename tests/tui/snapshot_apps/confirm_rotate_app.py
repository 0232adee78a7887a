"""The rotate confirmation over a stand-in main screen, at a fixed moment."""

from datetime import timedelta

from modal_host import CREATED, FAKE_INFO, ModalHost

from tui.screens.confirm_rotate import ConfirmRotateScreen

#: A month after the fake token was made; it expires two months later.
NOW = CREATED + timedelta(days=30)

app = ModalHost(lambda: ConfirmRotateScreen(FAKE_INFO, NOW))

if __name__ == "__main__":
    app.run()
