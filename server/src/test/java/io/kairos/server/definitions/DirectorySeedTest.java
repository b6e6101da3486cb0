package io.kairos.server.definitions;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.definition.Definitions;
import io.kairos.segment.Segment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySeedTest {
  @TempDir Path dir;

  private static Map<String, Document> byName(List<Document> docs) {
    return docs.stream()
        .collect(Collectors.toMap(Document::sourceName, Function.identity(), (a, b) -> a));
  }

  @Test
  void sectionsAndSegmentsAreCutFromTheirFilesWithTheirComments() throws Exception {
    Map<String, Document> docs = byName(DirectorySeed.read(SeedTest.EXAMPLES));
    assertThat(docs.get("segments/customers").content())
        .isEqualTo(
            """
            id: customers
            name: Customers
            description: Lifecycle stage
            where: has(profile.lifecycle_stage) && profile.lifecycle_stage == "customer"
            """);
    assertThat(docs.get("segments/berlin-women-30-plus").content())
        .startsWith("id: berlin-women-30-plus\n")
        .contains("where: >-\n  has(profile.gender)");
    assertThat(docs.get("definitions/scoring").content())
        .startsWith("# S15 Lead scoring and funnel")
        .contains("\nscoring:\n  lead_score:")
        .doesNotContain("lifecycle:");
    assertThat(docs.get("definitions/lifecycle").content()).startsWith("lifecycle:\n  score:");
    assertThat(docs.get("definitions/catalog").content()).startsWith("id,name,price");
    // Cut documents load to what the files load to.
    WorkspaceLoader.Result r = new WorkspaceLoader().load(docs.values());
    assertThat(r.problems()).isEmpty();
    assertThat(r.definitions().lifecycle().ids())
        .isEqualTo(SeedTest.direct(SeedTest.EXAMPLES).lifecycle().ids());
  }

  @Test
  void flowStyleAndSectionsSpreadOverFilesAreWrittenAnew() throws Exception {
    Files.writeString(
        dir.resolve("a.yaml"),
        "{segments: [{id: flow, where: 'has(profile.plan)'}], calendars: {one: {a: \"01-01\"}}}\n");
    Files.writeString(
        dir.resolve("b.yaml"),
        """
        # Holidays
        calendars:
            two:
                b: "12-24"
        segments:
          # The first segment
          - id: commented
            # inside
            where: >-
              has(profile.x)
          - {id: inline, where: "has(profile.y)"}
        """);
    List<Document> read = DirectorySeed.read(dir);
    Map<String, Document> docs = byName(read);
    assertThat(docs.keySet())
        .containsExactlyInAnyOrder(
            "segments/flow", "segments/commented", "segments/inline", "definitions/calendars");
    assertThat(docs.get("segments/commented").content())
        .isEqualTo("# The first segment\nid: commented\n# inside\nwhere: >-\n  has(profile.x)\n");
    assertThat(docs.get("segments/inline").content())
        .isEqualTo("{id: inline, where: \"has(profile.y)\"}\n");
    WorkspaceLoader.Result r = new WorkspaceLoader().load(read);
    assertThat(r.problems()).isEmpty();
    Definitions d = r.definitions();
    assertThat(d.calendars().keySet()).containsExactlyInAnyOrder("one", "two");
    assertThat(d.segments())
        .extracting(Segment::id)
        .containsExactlyInAnyOrder("flow", "commented", "inline");
  }

  @Test
  void segmentProblemsPointIntoTheStoredText() {
    Document bad = Document.of(Kind.SEGMENT, "x", "id: x\nname: X\nwhere: profile.a >\n");
    WorkspaceLoader.Result r = new WorkspaceLoader().load(List.of(bad));
    assertThat(r.problems()).hasSize(1);
    assertThat(r.problems().get(0).source()).isEqualTo("segments/x");
    assertThat(r.problems().get(0).line()).isEqualTo(3);
    assertThat(r.problems().get(0).column()).isGreaterThanOrEqualTo(8);
  }
}
