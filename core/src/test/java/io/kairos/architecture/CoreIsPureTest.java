package io.kairos.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The core decides; adapters do I/O. These rules fail the build when the core reaches for a web
 * framework, a database, a broker, the file system or the network, or for the wall clock or a
 * random source — any of which would make the engine's answers depend on more than its inputs.
 */
class CoreIsPureTest {
  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kairos");
  }

  @Test
  void noWebDatabaseOrBrokerImports() {
    ArchRule rule =
        noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "java.sql..",
                "javax.sql..",
                "org.apache.kafka..",
                "io.javalin..",
                "org.eclipse.jetty..",
                "jakarta.servlet..",
                "javax.servlet..",
                "io.helidon..",
                "io.netty..",
                "org.springframework..",
                "java.net.http..",
                "com.zaxxer.hikari..",
                "org.flywaydb..",
                "org.jdbi..")
            .because("the core is pure: I/O lives in adapters");
    rule.check(core);
  }

  @Test
  void noFileSystemOrNetwork() {
    ArchRule rule =
        noClasses()
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.io.File")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.nio.file.Files")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.nio.file.Path")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.io.FileInputStream")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.net.Socket")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.net.URLConnection")
            .because("the core is given its inputs; it does not fetch them");
    rule.check(core);
  }

  @Test
  void noWallClock() {
    ArchRule rule =
        noClasses()
            .should()
            .callMethod(System.class, "currentTimeMillis")
            .orShould()
            .callMethod(System.class, "nanoTime")
            .orShould()
            .callMethod(java.time.Instant.class, "now")
            .orShould()
            .callMethod(java.time.LocalDateTime.class, "now")
            .orShould()
            .callMethod(java.time.ZonedDateTime.class, "now")
            .orShould()
            .callMethod(java.time.OffsetDateTime.class, "now")
            .orShould()
            .callMethod(java.time.LocalDate.class, "now")
            .orShould()
            .callMethod(java.time.Clock.class, "systemUTC")
            .orShould()
            .callMethod(java.time.Clock.class, "systemDefaultZone")
            .because("time enters the core only as an argument");
    rule.check(core);
  }

  @Test
  void noRandomness() {
    ArchRule rule =
        noClasses()
            .should()
            .callMethod(java.util.UUID.class, "randomUUID")
            .orShould()
            .callConstructor(java.util.Random.class)
            .orShould()
            .callConstructor(java.util.Random.class, long.class)
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.security.SecureRandom")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
            .orShould()
            .callMethod(Math.class, "random")
            .because("splits and ids come from hashes of their inputs, never from chance");
    rule.check(core);
  }

  @Test
  void noThreads() {
    ArchRule rule =
        noClasses()
            .should()
            .callConstructor(Thread.class, Runnable.class)
            .orShould()
            .dependOnClassesThat()
            .resideInAnyPackage("java.util.concurrent")
            .because("runtimes decide threading; the core is called by them");
    rule.check(core);
  }
}
