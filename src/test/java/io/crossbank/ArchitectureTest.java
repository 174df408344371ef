package io.crossbank;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keeps the XA boundary and the data access where the README says they are. */
@AnalyzeClasses(packages = "io.crossbank", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    // The benchmark's tutorial mode is, on purpose, what a user would write without Crossbank's layering: JPA in the endpoint's bean.
    @ArchTest
    static final ArchRule onlyTheLedgerPackageTouchesJpa = noClasses()
            .that().resideOutsideOfPackage("io.crossbank.ledger..")
            .and().doNotHaveFullyQualifiedName("io.crossbank.bench.TutorialTransfers")
            .should().dependOnClassesThat().resideInAPackage("jakarta.persistence..");

    @ArchTest
    static final ArchRule ledgerKnowsNothingOfTheFeaturesAboveIt = noClasses()
            .that().resideInAPackage("io.crossbank.ledger..")
            .should().dependOnClassesThat().resideInAnyPackage("io.crossbank.accounts..", "io.crossbank.transfers..");

    @ArchTest
    static final ArchRule nothingDependsOnTheBenchmark = noClasses()
            .that().resideOutsideOfPackage("io.crossbank.bench..")
            .should().dependOnClassesThat().resideInAPackage("io.crossbank.bench..");

    @ArchTest
    static final ArchRule theInDoubtReadModelTakesNoAction = noClasses()
            .that().resideInAPackage("io.crossbank.ops.indoubt..")
            .should().dependOnClassesThat().resideInAPackage("io.crossbank.ops");

    @ArchTest
    static final ArchRule narayanaGlueKnowsNothingOfTheOperatorsView = noClasses()
            .that().resideInAPackage("io.crossbank.recovery..")
            .should().dependOnClassesThat().resideInAPackage("io.crossbank.ops..");

    @ArchTest
    static final ArchRule onlyTheTransferExecutorHoldsATransaction = noClasses()
            .that().resideInAPackage("io.crossbank.transfers..")
            .and().doNotImplement(io.crossbank.transfers.TransferExecutor.class)
            .should().dependOnClassesThat().haveFullyQualifiedName("jakarta.transaction.Transactional")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("io.quarkus.narayana.jta.QuarkusTransaction");
}
