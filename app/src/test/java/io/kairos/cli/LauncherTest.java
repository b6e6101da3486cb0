package io.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./kairos} launcher script, run the way a user runs it. */
class LauncherTest {

  /** The project root: surefire runs the app module's tests in its own directory. */
  private static final Path LAUNCHER = Path.of("..", "kairos").toAbsolutePath().normalize();

  @Test
  void aJavaHomeWithoutJavaStopsTheLauncherWithAMessage(@TempDir Path notAJdk) throws Exception {
    assertThat(LAUNCHER).exists();
    ProcessBuilder pb =
        new ProcessBuilder("bash", LAUNCHER.toString(), "--version").redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", notAJdk.toString());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(out)
        .contains("JAVA_HOME is " + notAJdk)
        .contains(notAJdk.resolve("bin").resolve("java") + " is not an executable");
  }
}
