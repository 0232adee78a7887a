"""Help, opened with ? over the main screen on the demo data, as a person would."""

from main_app import FixedMainApp, build

from tui.messages import TokensLoaded


class HelpOverMain(FixedMainApp):
    helped = False

    def on_tokens_loaded(self, message: TokensLoaded) -> None:
        # The list's first read reaches the app after the My tokens screen has shown it.
        if not self.helped:
            self.helped = True
            self.action_help()


app = build(HelpOverMain)

if __name__ == "__main__":
    app.run()
