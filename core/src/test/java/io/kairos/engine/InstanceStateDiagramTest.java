package io.kairos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The documented state diagram is generated from the code and must not drift from it. */
class InstanceStateDiagramTest {
  private static final Path DOC = Path.of("..", "docs", "architecture.md");
  private static final String BEGIN = "<!-- state-table:begin -->\n";
  private static final String END = "<!-- state-table:end -->";

  static String diagram() {
    StringBuilder b = new StringBuilder("```mermaid\nstateDiagram-v2\n");
    b.append("    [*] --> RUNNING : trigger matched, entry allowed\n");
    for (InstanceState from : InstanceState.values()) {
      for (InstanceState to : InstanceState.values()) {
        if (from.allowedNext().contains(to)) {
          b.append("    ").append(from).append(" --> ").append(to).append('\n');
        }
      }
      if (from.isFinal()) {
        b.append("    ").append(from).append(" --> [*]\n");
      }
    }
    return b.append("```\n").toString();
  }

  @Test
  void documentedDiagramMatchesTheCode() throws Exception {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int start = doc.indexOf(BEGIN) + BEGIN.length();
    int end = doc.indexOf(END);
    String expected = diagram();
    if (Boolean.getBoolean("kairos.updateDocs")) {
      doc = doc.substring(0, start) + expected + doc.substring(end);
      Files.writeString(DOC, doc, StandardCharsets.UTF_8);
      return;
    }
    assertThat(doc.substring(start, end))
        .as("docs/architecture.md state diagram; regenerate with -Dkairos.updateDocs=true")
        .isEqualTo(expected);
  }

  @Test
  void illegalTransitionsFailLoudly() {
    assertThatThrownBy(() -> InstanceState.COMPLETED.checkTransition(InstanceState.RUNNING))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("COMPLETED -> RUNNING");
    assertThatThrownBy(() -> InstanceState.WAITING.checkTransition(InstanceState.COMPLETED))
        .isInstanceOf(IllegalStateException.class);
    assertThat(InstanceState.WAITING.checkTransition(InstanceState.RUNNING))
        .isEqualTo(InstanceState.RUNNING);
  }
}
