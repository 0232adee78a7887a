"""Help, opened with ? over the main screen on the demo data, as a person would."""

from main_app import FixedMainApp, build

from tui.messages import TokensLoaded


class HelpOverMain(FixedMainApp):
    def on_tokens_loaded(self, message: TokensLoaded) -> None:
        first = not self.loaded
        super().on_tokens_loaded(message)
        if first:
            self.action_help()


app = build(HelpOverMain)

if __name__ == "__main__":
    app.run()
