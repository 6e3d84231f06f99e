package io.opsplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** What every verb shares: the root command's connection, output streams and {@code --json}. */
abstract class Verb implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        return execute();
    }

    /** Does the verb's work and answers its exit code; refusals are thrown as {@link Failure}. */
    abstract int execute();

    Opsplane root() {
        return (Opsplane) spec.root().userObject();
    }

    Api api() {
        return root().api();
    }

    ObjectMapper mapper() {
        return root().mapper();
    }

    Terminal terminal() {
        return root().terminal();
    }

    PrintStream out() {
        return terminal().out();
    }

    PrintStream err() {
        return terminal().err();
    }

    boolean json() {
        return root().json();
    }

    /** The body of a successful answer: printed as it is with {@code --json}, parsed for a table otherwise. */
    JsonNode answer(Api.Response response) {
        if (json()) {
            out().println(response.body());
        }
        return api().parse(response);
    }
}
