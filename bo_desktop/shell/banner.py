"""The environment banner: which platform this window is acting on, impossible to miss.

Approving a withdrawal on production thinking it is the training sandbox is the mistake this
banner exists to prevent, so the colours are fixed (not themed) and the text says it in words,
for colour-blind users and screenshots alike.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from bo_desktop.core.settings import Environment, ServerProfile
from bo_desktop.widgets.naming import named

# background, text: all pass WCAG AA contrast for bold text.
BANNER_STYLE: dict[Environment, tuple[str, str, str]] = {
    Environment.PRODUCTION: ("#b3261e", "#ffffff", "PRODUCTION — live players and real money"),
    Environment.STAGING: ("#f2a900", "#1f1f1f", "STAGING — test platform, not live"),
    Environment.SANDBOX: ("#1a5fb4", "#ffffff", "SANDBOX — training data"),
}


class EnvironmentBanner(QWidget):
    def __init__(self, profile: ServerProfile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("environmentBanner")
        # Needed for a plain QWidget to paint its style-sheet background.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        background, foreground, text = BANNER_STYLE[profile.environment]
        self.environment = profile.environment
        self.title_label = named(QLabel(text), "environmentBannerTitle")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        # The profile name when it says more than the address (e.g. "Malta production").
        server_text = profile.url if profile.name in profile.url else f"{profile.name} · {profile.url}"
        self.server_label = named(QLabel(server_text), "environmentBannerServer")
        self.server_label.setTextFormat(Qt.TextFormat.PlainText)
        self.server_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.server_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 5, 12, 5)
        layout.addWidget(self.title_label)
        layout.addStretch(1)
        layout.addWidget(self.server_label)
        self.setStyleSheet(
            f"#environmentBanner {{ background: {background}; }}"
            f"#environmentBanner QLabel {{ color: {foreground}; background: transparent; }}"
            "#environmentBannerTitle { font-weight: bold; letter-spacing: 0.5px; }"
        )
        self.setAccessibleName(text)

    @property
    def text(self) -> str:
        return self.title_label.text()
