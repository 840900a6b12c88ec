"""The yield gate hears the user: key presses, clicks and wheel turns anywhere in the app."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from reader.yieldgate import YieldGate
from tests.ui.conftest import WAIT_MS, WindowFactory, settle
from ui.inputwatch import InputWatch


class Ticks:
    """A clock that says how many times it was read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_keys_clicks_and_wheel_turns_are_noted_and_nothing_else(qtbot: QtBot) -> None:
    clock = Ticks()
    gate = YieldGate(clock=clock)
    box = QWidget()
    layout = QVBoxLayout(box)
    edit, button = QLineEdit(), QPushButton("Go")
    layout.addWidget(edit)
    layout.addWidget(button)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    watch = InputWatch(gate, box)
    assert gate.last_input == float("-inf")

    box.update()
    qtbot.wait(20)  # repaints and timers are not the user
    assert gate.last_input == float("-inf")

    edit.setFocus()
    QTest.keyClick(edit, Qt.Key.Key_A)
    assert edit.text() == "a"  # the key still reached the widget
    after_key = gate.last_input
    assert after_key > 0
    clicked: list[bool] = []
    button.clicked.connect(lambda: clicked.append(True))
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert clicked == [True]
    assert gate.last_input > after_key
    after_click = gate.last_input
    wheel = QWheelEvent(
        QPointF(5, 5), QPointF(5, 5), QPoint(0, 0), QPoint(0, 120),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(edit, wheel)
    assert gate.last_input > after_click

    watch.close()  # no more watching
    last = gate.last_input
    QTest.keyClick(edit, Qt.Key.Key_B)
    assert gate.last_input == last


def test_the_window_feeds_the_process_gate_and_its_reads_and_writes_hold_it(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    from reader.yieldgate import GATE

    window = make_window()
    settle(qtbot, window)
    assert window.reader.gate is GATE
    assert window.worker.gate is GATE
    before = GATE.last_input
    window.paper_list.setFocus()
    QTest.keyClick(window.paper_list, Qt.Key.Key_Down)
    assert GATE.last_input > before
    held: list[bool] = []
    window.queries.run("probe", lambda _library: held.append(GATE.wait_s() > 0), lambda _r: None)
    qtbot.waitUntil(lambda: bool(held), timeout=WAIT_MS)
    assert held == [True]  # background work waits while a read the user wants runs
