"""The Rules dialog: import rules with a live preview of what each would match.

A rule says what happens to a paper matching a search when it first arrives (tags, a
status, a rating; :mod:`reader.library.rules`). While a search is typed the dialog shows
how many papers already in the library it matches and the first titles, read on the
reader thread. "Apply to Papers Already Here" applies the selected rule to them as one
undoable edit (Edit ▸ Undo takes it back, one transaction).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader.library import Changes, Library, Status, rule_application, rules
from reader.library.rule_application import RuleApplication
from reader.library.rules import Rule
from ui.commands import EditCommand
from ui.edits import PaperEdits
from ui.operations import OperationRunner, QueryRunner

PREVIEW_DELAY_MS = 200
PREVIEW_TITLES = 5


class ApplyRuleCommand(EditCommand):
    """Apply a rule to the papers already in the library; undo takes back what it did."""

    def __init__(self, rule: Rule) -> None:
        super().__init__(f"Apply the rule “{rule.query}”")
        self.rule = rule
        self.applied: RuleApplication | None = None

    def write_do(self, library: Library) -> Changes:
        """Apply the rule the first time; write exactly the same again on redo."""
        if self.applied is None:
            self.applied = rule_application.apply_rule(library, self.rule.id)
            return self.applied.changes()
        return rule_application.redo_application(library, self.applied)

    def write_undo(self, library: Library) -> Changes:
        """Take back what the application wrote."""
        assert self.applied is not None
        return rule_application.undo_application(library, self.applied)


class RulesDialog(QDialog):
    """The rules, a form for a new one, and the preview of its search."""

    def __init__(
        self,
        runner: OperationRunner,
        queries: QueryRunner,
        edits: PaperEdits,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import Rules")
        self.setMinimumWidth(560)
        self._runner = runner
        self._queries = queries
        self._edits = edits
        layout = QVBoxLayout(self)
        intro = QLabel(
            "When a paper matching a rule's search first arrives, the rule tags it, sets "
            "its status or rates it. Papers already in the library are never changed, "
            "unless you apply a rule to them."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.rule_list = QListWidget()
        self.rule_list.setAccessibleName("Rules")
        layout.addWidget(self.rule_list, 1)
        row = QHBoxLayout()
        self.remove_button = QPushButton("Remove")
        self.apply_button = QPushButton("Apply to Papers Already Here")
        self.apply_button.setToolTip(
            "Apply the selected rule to the matching papers now (a status or rating you "
            "set is left as it is; Edit ▸ Undo takes it back)"
        )
        row.addWidget(self.remove_button)
        row.addStretch(1)
        row.addWidget(self.apply_button)
        layout.addLayout(row)

        form = QFormLayout()
        self.query = QLineEdit()
        self.query.setPlaceholderText("e.g. diffusion -survey, org:google, tag:nlp")
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("tags to add, separated by commas")
        self.status = QComboBox()
        self.status.addItem("(leave as it is)", None)
        for status in Status:
            self.status.addItem(status.label, status.value)
        self.rating = QComboBox()
        self.rating.addItem("(leave as it is)", None)
        for stars in range(1, 6):
            self.rating.addItem("★" * stars, stars)
        form.addRow("When a paper matches:", self.query)
        form.addRow("Add tags:", self.tags)
        form.addRow("Set status:", self.status)
        form.addRow("Set rating:", self.rating)
        layout.addLayout(form)
        self.preview = QLabel("Type a search to see what it matches.")
        self.preview.setObjectName("rulePreview")
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Room for the longest preview (its titles, a wrapped one, "…and N more"): the form
        # above does not jump while the user types.
        lines = PREVIEW_TITLES + 3
        self.preview.setMinimumHeight(self.preview.fontMetrics().lineSpacing() * lines)
        layout.addWidget(self.preview)
        buttons = QDialogButtonBox()
        self.add_button = buttons.addButton("Add Rule", QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.query.setFocus(Qt.FocusReason.OtherFocusReason)  # the dialog opens to type a rule
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.load_preview)
        self.query.textChanged.connect(lambda _text: self._timer.start())
        self.add_button.clicked.connect(self.add_rule)
        self.remove_button.clicked.connect(self.remove_rule)
        self.apply_button.clicked.connect(self.apply_rule)
        self.rule_list.currentItemChanged.connect(lambda *_: self._update_buttons())
        runner.bus.changed.connect(self._on_changes)
        self._update_buttons()
        self.load_rules()

    # ------------------------------------------------------------------ reading

    def load_rules(self) -> None:
        """Re-read the rules (on the reader thread)."""
        self._queries.run("rules list", rules.rules, self._show_rules, self._read_failed)

    def _show_rules(self, found: list[Rule]) -> None:
        current = self.selected_rule()
        self.rule_list.clear()
        for rule in found:
            item = QListWidgetItem(f"{rule.id}. {rule.query}  →  {rule.describe()}")
            item.setData(Qt.ItemDataRole.UserRole, rule)
            self.rule_list.addItem(item)
            if current is not None and rule.id == current.id:
                self.rule_list.setCurrentItem(item)
        self._update_buttons()

    def load_preview(self) -> None:
        """Count and show the papers the typed search matches (on the reader thread)."""
        text = self.query.text().strip()
        if not text:
            self.preview.setText("Type a search to see what it matches.")
            return

        def job(library: Library) -> tuple[int, list[str]]:
            return rules.preview(library, text, titles=PREVIEW_TITLES)

        self._queries.run("rule preview", job, self._show_preview, self._preview_failed)

    def _show_preview(self, result: tuple[int, list[str]]) -> None:
        count, titles = result
        if count == 0:
            self.preview.setText("It matches no paper in the library yet.")
            return
        lines = "\n".join(f"• {t}" for t in titles)
        more = f"\n…and {count - len(titles):,} more" if count > len(titles) else ""
        noun = "paper" if count == 1 else "papers"
        newest = ", the newest" if count > len(titles) else ""
        self.preview.setText(f"It matches {count:,} {noun} already here{newest}:\n{lines}{more}")

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview.setText(f"The search does not parse: {exc}")

    def _read_failed(self, exc: BaseException) -> None:
        self.preview.setText(f"The rules could not be read: {exc}")

    def _on_changes(self, changes: Changes, _initiator: object = None) -> None:
        if changes.views:
            self.load_rules()

    # ------------------------------------------------------------------ writing

    def selected_rule(self) -> Rule | None:
        """The rule selected in the list."""
        item = self.rule_list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, Rule) else None

    def _update_buttons(self) -> None:
        chosen = self.selected_rule() is not None
        self.remove_button.setEnabled(chosen)
        self.apply_button.setEnabled(chosen)

    def add_rule(self) -> None:
        """Add the rule in the form (a refused one says why under the form)."""
        query = self.query.text()
        tags = [t.strip() for t in self.tags.text().split(",") if t.strip()]
        status = self.status.currentData()
        rating = self.rating.currentData()

        def add(library: Library) -> Changes:
            rules.add_rule(library, query, tags=tags, status=status, rating=rating)
            return Changes(views=True)

        def done(_changes: Changes) -> None:
            self.query.clear()
            self.tags.clear()
            self.status.setCurrentIndex(0)
            self.rating.setCurrentIndex(0)
            self._timer.stop()  # no preview of the cleared form over this message
            self.preview.setText("Rule added: it acts on papers that arrive from now on.")

        self._runner.run(
            add,
            on_success=done,
            on_failure=lambda exc: self.preview.setText(f"Not added: {exc}"),
        )

    def remove_rule(self) -> None:
        """Delete the selected rule (what it did to papers stays)."""
        rule = self.selected_rule()
        if rule is not None:
            self._runner.run(
                lambda library: rules.remove_rule(library, rule.id),
                on_failure=lambda exc: self.preview.setText(f"Not removed: {exc}"),
            )

    def apply_rule(self) -> None:
        """Apply the selected rule to the papers already in the library (undoable)."""
        rule = self.selected_rule()
        if rule is None:
            return
        command = ApplyRuleCommand(rule)

        def done(changes: Changes) -> None:
            applied = command.applied
            if applied is None:
                return
            if not changes.empty:
                self._edits.record(command)
            left = f"; {applied.left_alone:,} left as you set them" if applied.left_alone else ""
            self.preview.setText(
                f"Applied to {applied.matched:,} matching papers: "
                f"{len(applied.paper_ids):,} changed{left} (Edit ▸ Undo takes it back)."
            )

        self._runner.run(
            command.do,
            on_success=done,
            on_failure=lambda exc: self.preview.setText(f"Not applied: {exc}"),
        )


class RulesControl(QObject):
    """The window's "Import Rules…" action, placed after Settings in its menu."""

    message = Signal(str, int)

    def __init__(
        self,
        window: QWidget,
        runner: OperationRunner,
        queries: QueryRunner,
        edits: PaperEdits,
        beside: QAction,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._runner, self._queries, self._edits = runner, queries, edits
        self.dialog: RulesDialog | None = None
        self.action = QAction("Import &Rules…", window)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+U"))
        self.action.setToolTip("What happens to papers matching a search when they arrive")
        self.action.triggered.connect(self.show)
        for menu in window.findChildren(QMenu):
            actions = menu.actions()
            if beside in actions:
                after = actions.index(beside) + 1
                menu.insertAction(actions[after] if after < len(actions) else None, self.action)  # type: ignore[arg-type]
                break
        else:
            window.addAction(self.action)

    def show(self) -> None:
        """Open the Rules dialog (one at a time)."""
        if self.dialog is None:
            self.dialog = RulesDialog(self._runner, self._queries, self._edits, self._window)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
