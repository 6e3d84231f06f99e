package io.opsplane.command.tool;

/** What may go into an HTTP header value: no line breaks or other control characters (a tab aside). */
public final class HeaderValues {

    public static final String CONTROL_CHARACTER_MESSAGE = "must not contain line breaks or other control characters";

    private HeaderValues() {
    }

    public static boolean hasControlCharacter(String value) {
        return value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7F);
    }
}
