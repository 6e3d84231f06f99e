package io.opsplane.query;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.web.bind.annotation.RestController;

import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
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

    /**
     * A document's {@code @Document} names its collection's base: which generation a call reads or writes is the
     * store's to say, by passing {@code ReadModels.collection(base)} to the template, not an expression's.
     */
    @ArchTest
    static final ArchRule documentsNameTheirCollectionWithoutAnExpression = classes().that()
            .areAnnotatedWith(Document.class)
            .should().beAnnotatedWith(DescribedPredicate.describe("@Document naming its collection without an expression",
                    (JavaAnnotation<?> annotation) -> annotation.getRawType().isEquivalentTo(Document.class)
                            && Stream.of("value", "collection").map(annotation::get)
                            .allMatch(name -> name.isEmpty() || !name.get().toString().contains("#{"))));
}
