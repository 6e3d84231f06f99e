package io.opsplane.cli;

import picocli.CommandLine.Option;

/** The page options of every list verb. */
final class Paging {

    @Option(names = "--limit", paramLabel = "N", description = "Page size (server default 50, at most 500).")
    Integer limit;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "The next page, as printed under the previous one.")
    String cursor;
}
