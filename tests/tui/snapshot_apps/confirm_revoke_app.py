"""The revoke confirmation over a stand-in main screen."""

from modal_host import FAKE_INFO, ModalHost

from tui.screens.confirm_revoke import ConfirmRevokeScreen

app = ModalHost(lambda: ConfirmRevokeScreen(FAKE_INFO))

if __name__ == "__main__":
    app.run()
