package io.opsplane.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Columns aligned with two spaces, headers in capitals, long cells cut with an ellipsis (the JSON has them whole). */
final class Table {

    static final int WIDEST_CELL = 60;

    private final List<String> headers;
    private final List<String[]> rows = new ArrayList<>();

    private Table(String... headers) {
        this.headers = Arrays.asList(headers);
    }

    static Table of(String... headers) {
        return new Table(headers);
    }

    Table row(Object... cells) {
        String[] row = new String[headers.size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = i < cells.length ? cell(cells[i]) : "";
        }
        rows.add(row);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintStream out) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (String[] row : rows) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        line(out, widths, headers.toArray(String[]::new));
        for (String[] row : rows) {
            line(out, widths, row);
        }
    }

    private static void line(PrintStream out, int[] widths, String[] cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            line.append(cells[i]);
            if (i < cells.length - 1) {
                line.append(" ".repeat(widths[i] - cells[i].length() + 2));
            }
        }
        out.println(line.toString().stripTrailing());
    }

    private static String cell(Object value) {
        String text = value == null ? "-" : value.toString().replaceAll("\\s+", " ");
        if (text.isEmpty()) {
            return "-";
        }
        return text.length() > WIDEST_CELL ? text.substring(0, WIDEST_CELL - 1) + "…" : text;
    }
}
