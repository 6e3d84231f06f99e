package io.opsplane.query;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.springframework.web.bind.annotation.RestController;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

@AnalyzeClasses(packages = "io.opsplane.query", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule neverDependsOnTheCommandSide = noClasses().that().resideInAPackage("io.opsplane.query..")
            .should().dependOnClassesThat().resideInAPackage("io.opsplane.command..");

    /** Read models are written by projections only: a controller reads them and never handles events. */
    @ArchTest
    static final ArchRule controllersDoNotHandleEvents = noClasses().that().areAnnotatedWith(RestController.class)
            .should().dependOnClassesThat().resideInAnyPackage("org.axonframework.eventhandling..");

    @ArchTest
    static final ArchRule featuresDependOnEachOtherWithoutCycles = slices().matching("io.opsplane.query.(*)..")
            .should().beFreeOfCycles();
}
