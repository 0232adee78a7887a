"""The edit dialog over a stand-in main screen, for a token with a note."""

import dataclasses

from modal_host import EXISTING_LABELS, FAKE_INFO, ModalHost

from tui.screens.edit_token import EditTokenScreen

INFO = dataclasses.replace(FAKE_INFO, note="Sales dashboard refresh, owned by the finance team")

app = ModalHost(lambda: EditTokenScreen(INFO, EXISTING_LABELS))

if __name__ == "__main__":
    app.run()
