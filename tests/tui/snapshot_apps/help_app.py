"""The help screen over a stand-in main screen."""

from modal_host import ModalHost

from tui.screens.help import HelpScreen

app = ModalHost(HelpScreen)

if __name__ == "__main__":
    app.run()
