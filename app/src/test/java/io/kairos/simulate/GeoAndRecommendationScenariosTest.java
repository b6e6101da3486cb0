package io.kairos.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S7 (cross-sell from the co-occurrence model) and S12 (geofence push at most once a day), end to
 * end through the command line against every example journey, with the example catalogue {@code
 * examples/journeys/products.csv}. Expected products were worked out by hand from the cosine scores
 * (see docs/recommendations.md), not copied from a run.
 */
class GeoAndRecommendationScenariosTest {

  private static Cli run(String timeline, String format) {
    Cli cli =
        Cli.run(
            "simulate",
            "--journeys",
            "../examples/journeys",
            "--events",
            "../examples/timelines/" + timeline,
            "--format",
            format,
            "--quiet");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.err()).isEmpty();
    return cli;
  }

  private static List<String> csv(String timeline, String... prefixes) {
    return Arrays.stream(run(timeline, "csv").out().split("\n"))
        .filter(l -> Arrays.stream(prefixes).anyMatch(l::startsWith))
        .toList();
  }

  @Test
  void s12PushOnEnteringTheStoreFenceAtMostOnceADay() {
    assertThat(csv("s12-location.jsonl", "store-nearby,", "fence/"))
        .containsExactly(
            "fence/downtown-store,gia,2026-05-04T08:30:00Z,location,location entered",
            "store-nearby,gia,2026-05-04T08:30:00Z,trigger,enter",
            "store-nearby,gia,2026-05-04T08:30:00Z,step-1,send push store-nearby",
            "store-nearby,gia,2026-05-04T08:30:00Z,end,complete",
            // hal: 189 m in; 215 m is within the 30 m exit margin; 250 m is out.
            "fence/downtown-store,hal,2026-05-04T10:00:00Z,location,location entered",
            "store-nearby,hal,2026-05-04T10:00:00Z,trigger,enter",
            "store-nearby,hal,2026-05-04T10:00:00Z,step-1,send push store-nearby",
            "store-nearby,hal,2026-05-04T10:00:00Z,end,complete",
            "fence/downtown-store,hal,2026-05-04T10:10:00Z,location,location exited",
            "fence/downtown-store,gia,2026-05-04T12:00:00Z,location,location exited",
            "fence/downtown-store,gia,2026-05-04T17:00:00Z,location,location entered",
            "store-nearby,gia,2026-05-04T17:00:00Z,trigger,entry refused",
            "fence/east-mall,hal,2026-05-04T18:00:00Z,location,location entered",
            "fence/downtown-store,gia,2026-05-05T08:00:00Z,location,location exited",
            "fence/downtown-store,gia,2026-05-05T08:40:00Z,location,location entered",
            "store-nearby,gia,2026-05-05T08:40:00Z,trigger,enter",
            "store-nearby,gia,2026-05-05T08:40:00Z,step-1,send push store-nearby",
            "store-nearby,gia,2026-05-05T08:40:00Z,end,complete");
  }

  @Test
  void s07CrossSellSeriesWithComplementaryProductsFromWhatOthersBought() throws Exception {
    assertThat(csv("s07-cross-sell.jsonl", "cross-sell,fay,"))
        .containsExactly(
            "cross-sell,fay,2026-04-02T09:10:00Z,trigger,enter",
            "cross-sell,fay,2026-04-02T09:10:00Z,step-1,wait until 2026-04-03T09:10:00Z",
            "cross-sell,fay,2026-04-03T09:10:00Z,picks,send email cross-sell-picks",
            "cross-sell,fay,2026-04-03T09:10:00Z,step-3,wait until 2026-04-10T09:10:00Z",
            "cross-sell,fay,2026-04-04T18:00:00Z,conversion,convert 59.0",
            "cross-sell,fay,2026-04-04T18:00:00Z,trigger,entry refused",
            "cross-sell,fay,2026-04-10T09:10:00Z,step-4,branch to more",
            "cross-sell,fay,2026-04-10T09:10:00Z,more,send email cross-sell-more",
            "cross-sell,fay,2026-04-10T09:10:00Z,end,complete");
    // ada bought all three products of the first order: nothing left to recommend, no entry.
    assertThat(csv("s07-cross-sell.jsonl", "cross-sell,ada,")).isEmpty();

    List<String> sends = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : run("s07-cross-sell.jsonl", "jsonl").out().split("\n")) {
      Map<?, ?> e = json.readValue(line, Map.class);
      if (e.get("journey").equals("cross-sell") && e.get("kind").equals("send")) {
        List<?> products = (List<?>) ((Map<?, ?>) e.get("data")).get("products");
        sends.add(
            e.get("profile")
                + " "
                + e.get("step")
                + " "
                + products.stream().map(p -> ((Map<?, ?>) p).get("id")).toList());
      }
      if (e.get("profile").equals("fay") && e.get("step").equals("picks")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> first =
            (Map<String, Object>) ((List<?>) ((Map<?, ?>) e.get("data")).get("products")).get(0);
        assertThat(first)
            .containsEntry("name", "Oxford shirt")
            .containsEntry("price", 45.0)
            .containsEntry("url", "https://shop.example/p/shirt-oxford")
            .containsEntry("because", "shoes-run")
            .containsEntry("score", 0.6325);
      }
    }
    // fay bought the shoes: shirt and socks went twice with shoes in five orders (2/√10 = 0.632,
    // tied, by id), jeans twice of three (2/√15 = 0.516). A week later she has bought the jeans
    // too: they drop out, and the belt (bought with jeans) comes in.
    assertThat(sends)
        .containsExactly(
            "ben picks [socks-sport, belt-leather]",
            "cai picks [jeans-slim, socks-sport]",
            "dia picks [shoes-run, shirt-oxford, socks-sport]",
            "eli picks [jeans-slim, shirt-oxford]",
            "fay picks [shirt-oxford, socks-sport, jeans-slim]",
            "ben more [socks-sport, belt-leather]",
            "cai more [jeans-slim, socks-sport]",
            "dia more [shoes-run, shirt-oxford, socks-sport]",
            "eli more [jeans-slim, shirt-oxford]",
            "fay more [shirt-oxford, socks-sport, belt-leather]");
  }

  @Test
  void aCatalogueGivenOnTheCommandLineIsCheckedAndReportedByLineAndColumn(@TempDir Path dir)
      throws Exception {
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "id,name,price\nshoes,Shoes,cheap\n");
    Cli cli =
        Cli.run(
            "simulate",
            "--journeys",
            "../examples/journeys",
            "--events",
            "../examples/timelines/s07-cross-sell.jsonl",
            "--catalog",
            bad.toString(),
            "--quiet");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err())
        .isEqualTo(
            "kairos simulate: invalid catalog\n  "
                + bad
                + ":2:13: price: 'cheap' is not a number (write 19.99)\n");
  }
}
