package io.opsplane.command;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.axonframework.spring.stereotype.Aggregate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

@AnalyzeClasses(packages = "io.opsplane.command", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule featuresDependOnEachOtherWithoutCycles = slices().matching("io.opsplane.command.(*)..")
            .should().beFreeOfCycles();

    /**
     * The domain refuses with a reason and knows nothing of HTTP: aggregates, and the refusals they throw, never
     * use the problem types or Spring's web layer. The edge maps reasons to answers ({@code RefusalStatuses}).
     */
    @ArchTest
    static final ArchRule theDomainKnowsNoHttp = noClasses().that().areAnnotatedWith(Aggregate.class)
            .or().haveSimpleNameEndingWith("Refusals")
            .should().dependOnClassesThat().resideInAnyPackage("io.opsplane.platform.problem..", "org.springframework.web..",
                    "org.springframework.http..", "jakarta.servlet..")
            .allowEmptyShould(false);
}
