"""The "Add a token" modal over a stand-in main screen."""

from modal_host import EXISTING_LABELS, ModalHost

from tui.screens.add_token import AddTokenScreen

app = ModalHost(lambda: AddTokenScreen(EXISTING_LABELS))

if __name__ == "__main__":
    app.run()
