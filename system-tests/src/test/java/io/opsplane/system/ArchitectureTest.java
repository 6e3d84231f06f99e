package io.opsplane.system;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/** The layering rules of the house style, over every module's production classes. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.opsplane");
    }

    @Test
    void theSharedApiDependsOnNoFrameworkButAxonModellingAndJacksonAnnotations() {
        assertHolds(noClasses().that().resideInAPackage("io.opsplane.api..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.bson..", "com.mongodb..",
                        "com.fasterxml.jackson.databind..", "tools.jackson..", "io.opsplane.command..", "io.opsplane.query..",
                        "io.opsplane.platform..", "io.opsplane.eventstore.."));
    }

    @Test
    void theCommandSideNeverDependsOnTheQuerySide() {
        assertHolds(noClasses().that().resideInAPackage("io.opsplane.command..")
                .should().dependOnClassesThat().resideInAPackage("io.opsplane.query.."));
    }

    @Test
    void theQuerySideNeverDependsOnTheCommandSide() {
        assertHolds(noClasses().that().resideInAPackage("io.opsplane.query..")
                .should().dependOnClassesThat().resideInAPackage("io.opsplane.command.."));
    }

    @Test
    void theSharedModulesKnowNeitherApplication() {
        assertHolds(noClasses().that().resideInAnyPackage("io.opsplane.platform..", "io.opsplane.eventstore..", "io.opsplane.localrun..")
                .should().dependOnClassesThat().resideInAnyPackage("io.opsplane.command..", "io.opsplane.query.."));
    }

    @Test
    void theEventStoreKnowsNoSpring() {
        assertHolds(noClasses().that().resideInAPackage("io.opsplane.eventstore..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework.."));
    }

    @Test
    void theCommandLineIsAPlainClientOfTheApi() {
        assertHolds(noClasses().that().resideInAPackage("io.opsplane.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.axonframework..",
                        "com.mongodb..", "org.bson..", "io.opsplane.api..", "io.opsplane.command..", "io.opsplane.query..",
                        "io.opsplane.platform..", "io.opsplane.localrun.."));
    }

    @Test
    void theCommandLineUsesOnlyTheEventStoresOfflineVerifier() {
        assertHolds(noClasses().that().resideInAPackage("io.opsplane.cli..")
                .should().dependOnClassesThat().resideInAPackage("io.opsplane.eventstore")
                .orShould().dependOnClassesThat().resideOutsideOfPackages("io.opsplane.cli..", "io.opsplane.eventstore..",
                        "java..", "javax..", "picocli..", "com.fasterxml.jackson.."));
    }

    @Test
    void theOfflineVerifierNeedsOnlyTheJdk() {
        // The command line ships it without the event store's own dependencies (cli/pom.xml excludes them all).
        assertHolds(noClasses().that().resideInAPackage("io.opsplane.eventstore.audit..")
                .should().dependOnClassesThat().resideOutsideOfPackages("java..", "io.opsplane.eventstore.."));
    }

    /** Fails with ArchUnit's report of every violation, like {@code ArchRule.check}, but as an explicit assertion. */
    private static void assertHolds(ArchRule rule) {
        EvaluationResult result = rule.evaluate(classes);
        assertThat(result.hasViolation()).as(result.getFailureReport().toString()).isFalse();
    }
}
