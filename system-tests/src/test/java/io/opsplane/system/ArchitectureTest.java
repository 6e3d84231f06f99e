package io.opsplane.system;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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
        noClasses().that().resideInAPackage("io.opsplane.api..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.bson..", "com.mongodb..",
                        "com.fasterxml.jackson.databind..", "tools.jackson..", "io.opsplane.command..", "io.opsplane.query..",
                        "io.opsplane.platform..", "io.opsplane.eventstore..")
                .check(classes);
    }

    @Test
    void theCommandSideNeverDependsOnTheQuerySide() {
        noClasses().that().resideInAPackage("io.opsplane.command..")
                .should().dependOnClassesThat().resideInAPackage("io.opsplane.query..")
                .check(classes);
    }

    @Test
    void theQuerySideNeverDependsOnTheCommandSide() {
        noClasses().that().resideInAPackage("io.opsplane.query..")
                .should().dependOnClassesThat().resideInAPackage("io.opsplane.command..")
                .check(classes);
    }

    @Test
    void theSharedModulesKnowNeitherApplication() {
        noClasses().that().resideInAnyPackage("io.opsplane.platform..", "io.opsplane.eventstore..", "io.opsplane.localrun..")
                .should().dependOnClassesThat().resideInAnyPackage("io.opsplane.command..", "io.opsplane.query..")
                .check(classes);
    }

    @Test
    void theEventStoreKnowsNoSpring() {
        noClasses().that().resideInAPackage("io.opsplane.eventstore..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework..")
                .check(classes);
    }
}
