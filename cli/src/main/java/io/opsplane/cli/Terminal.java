package io.opsplane.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What a run of the command line talks to: its environment variables, its streams, and whether a person watches
 * stderr (then long waits show a progress line there, so that stdout stays clean for pipes and files).
 *
 * @param progress whether stderr is a terminal; the launcher tells ({@code -Dopsplane.cli.progress}), otherwise
 *                 an interactive console is taken as one
 */
record Terminal(Map<String, String> environment, InputStream in, PrintStream out, PrintStream err, boolean progress) {

    static Terminal system() {
        String told = System.getProperty("opsplane.cli.progress");
        boolean progress = told == null ? System.console() != null : Boolean.parseBoolean(told);
        return new Terminal(System.getenv(), System.in, System.out, System.err, progress);
    }

    String variable(String name, String otherwise) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? otherwise : value;
    }

    /** A progress line that rewrites itself on stderr, or does nothing when nobody watches. */
    Progress progressLine() {
        return new Progress(progress ? err : null);
    }
}
