"""The one-time reveal of a fake token over a stand-in main screen."""

from modal_host import FAKE_INFO, FAKE_SECRET, ModalHost

from tui.screens.reveal_secret import RevealSecretScreen

app = ModalHost(lambda: RevealSecretScreen(FAKE_INFO, FAKE_SECRET))

if __name__ == "__main__":
    app.run()
