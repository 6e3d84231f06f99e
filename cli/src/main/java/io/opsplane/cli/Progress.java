package io.opsplane.cli;

import java.io.PrintStream;

/** One line on a terminal that shows how a long wait goes, rewritten in place and cleared when done. */
final class Progress {

    private final PrintStream terminal;
    private int shown;

    Progress(PrintStream terminal) {
        this.terminal = terminal;
    }

    void show(String text) {
        if (terminal == null) {
            return;
        }
        terminal.print('\r' + text + " ".repeat(Math.max(0, shown - text.length())));
        terminal.flush();
        shown = text.length();
    }

    void clear() {
        if (terminal == null || shown == 0) {
            return;
        }
        terminal.print('\r' + " ".repeat(shown) + '\r');
        terminal.flush();
        shown = 0;
    }
}
