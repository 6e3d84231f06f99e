package io.opsplane.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A verb made of sub-verbs ({@code keys}, {@code audit}, {@code events}): alone, it shows its usage. */
abstract class VerbGroup implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
