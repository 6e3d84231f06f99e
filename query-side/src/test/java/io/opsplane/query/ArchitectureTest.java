package io.opsplane.query;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

@AnalyzeClasses(packages = "io.opsplane.query", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule neverDependsOnTheCommandSide = noClasses().that().resideInAPackage("io.opsplane.query..")
            .should().dependOnClassesThat().resideInAPackage("io.opsplane.command..");

    @ArchTest
    static final ArchRule readModelsAreNotWrittenFromTheWeb = noClasses().that().resideInAPackage("io.opsplane.query.web..")
            .should().dependOnClassesThat().resideInAnyPackage("org.axonframework.eventhandling..");
}
