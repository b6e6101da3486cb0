package io.kairos.server.definitions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.definition.Definitions;
import io.kairos.journey.Journey;
import io.kairos.journey.Step;
import io.kairos.journey.Trigger;
import io.kairos.recommend.Product;
import io.kairos.server.KairosServer;
import io.kairos.server.config.ConfigException;
import io.kairos.server.testing.StoreKind;
import io.kairos.server.testing.TestStores;
import io.kairos.server.testing.VirtualClock;
import io.kairos.template.MessageTemplate;
import io.kairos.template.RenderContext;
import io.kairos.template.RenderResult;
import io.kairos.template.TemplateRenderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example templates (examples/templates) against the example journeys: every template a journey
 * sends exists, is for the step's channel, and renders, with the server's renderer, for every
 * example profile in every one of its languages.
 */
class ExampleTemplatesTest {
  static final Path TEMPLATES = Path.of("../examples/templates");
  private static final Path PROFILES = Path.of("../examples/profiles");
  private static final Path TIMELINES = Path.of("../examples/timelines");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final long NOW = Instant.parse("2026-03-20T20:30:00Z").toEpochMilli();

  /** Elements without an end tag in HTML. */
  private static final Set<String> VOID = Set.of("meta", "br", "img", "hr", "link", "input");

  private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>");

  @TempDir Path dir;

  /** The templates as the seed reads them, by id. */
  private static Map<String, MessageTemplate> templates() {
    Map<String, MessageTemplate> out = new TreeMap<>();
    for (Document d : DirectorySeed.templates(TEMPLATES)) {
      out.put(d.id(), TemplateReader.messageTemplate(d.content()));
    }
    return out;
  }

  /** Every send step of the example journeys, with its journey. */
  private static List<Map.Entry<Journey, Step.Send>> sends() throws Exception {
    Definitions defs = SeedTest.direct(SeedTest.EXAMPLES);
    List<Map.Entry<Journey, Step.Send>> out = new ArrayList<>();
    for (Journey j : defs.journeys()) {
      for (Step s : j.steps()) {
        if (s instanceof Step.Send send) {
          out.add(Map.entry(j, send));
        }
      }
    }
    return out;
  }

  @Test
  void everyTemplateAnExampleJourneySendsExistsForTheStepsChannel() throws Exception {
    Map<String, MessageTemplate> templates = templates();
    Set<String> used = new LinkedHashSet<>();
    for (Map.Entry<Journey, Step.Send> e : sends()) {
      Step.Send send = e.getValue();
      String where = e.getKey().source() + ": template " + send.template();
      assertThat(templates).as(where).containsKey(send.template());
      assertThat(templates.get(send.template()).channel()).as(where).isEqualTo(send.channel());
      used.add(send.template());
    }
    // And no template that no example sends.
    assertThat(templates.keySet()).containsExactlyInAnyOrderElementsOf(used);
    assertThat(used).hasSizeGreaterThanOrEqualTo(50);
  }

  @Test
  void everyTemplateRendersForEveryExampleProfileInEveryLanguage() throws Exception {
    Map<String, MessageTemplate> templates = templates();
    Map<String, Map<String, Map<String, Object>>> events = exampleEvents();
    List<Map<String, Object>> profiles = exampleProfiles();
    assertThat(profiles).isNotEmpty();
    Definitions defs = SeedTest.direct(SeedTest.EXAMPLES);
    List<Map<String, Object>> products = new ArrayList<>();
    for (Product p : defs.catalog().products()) {
      if (products.size() < 3) {
        products.add(p.view());
      }
    }
    TemplateRenderer renderer = new TemplateRenderer();
    int renders = 0;
    for (Map.Entry<Journey, Step.Send> e : sends()) {
      Journey j = e.getKey();
      MessageTemplate t = templates.get(e.getValue().template());
      String eventName = j.trigger() instanceof Trigger.OnEvent on ? on.event() : null;
      // The scenario's own example event (s04-*.yaml: timelines/s04-*.jsonl), else any of the name.
      String scenario = Path.of(j.source()).getFileName().toString().substring(0, 3);
      Map<String, Object> properties =
          eventName == null
              ? null
              : events
                  .getOrDefault(scenario, Map.of())
                  .getOrDefault(eventName, events.get("").get(eventName));
      for (Map<String, Object> profile : profiles) {
        for (String locale : t.locales().keySet()) {
          RenderContext.Builder ctx =
              RenderContext.builder(NOW)
                  .profile(profile)
                  .zone(ZoneId.of((String) profile.getOrDefault("timezone", "UTC")))
                  .messageId("m-" + renders)
                  .locale(locale)
                  .journey(
                      j.id(),
                      j.version(),
                      e.getValue().info().id(),
                      Map.of("products", products, "similar", products))
                  .links(
                      Map.of(
                          "unsubscribe", "https://kairos.example/u/abc",
                          "preferences", "https://kairos.example/p/abc",
                          "view_in_browser", "https://kairos.example/v/abc"));
          if (properties != null) {
            ctx.event(eventName, properties, NOW - 3_600_000);
          }
          String what = t.id() + " [" + locale + "] for " + profile.get("user_id");
          RenderResult r = renderer.render(t, 1, ctx.build());
          if (r instanceof RenderResult.Failed f) {
            fail(what + ": " + f.message());
          }
          RenderResult.Rendered ok = (RenderResult.Rendered) r;
          assertThat(ok.locale()).as(what).isEqualTo(locale);
          for (Map.Entry<String, String> field : ok.fields().entrySet()) {
            assertThat(field.getValue()).as(what + " " + field.getKey()).isNotBlank();
          }
          if (t.channel().equals("email")) {
            assertThat(ok.field("subject")).as(what).doesNotContain("{{", "{%");
            String html = ok.field("html");
            assertWellFormed(what, html);
            assertThat(html).as(what).doesNotContain("{{", "{%", "}}");
            if (locale.equals("fa")) {
              assertThat(html).as(what).contains("<html dir=\"rtl\" lang=\"fa\">");
            }
            if (!e.getValue().category().name().equals("TRANSACTIONAL")) {
              // A marketing or lifecycle email carries its unsubscribe and preference links.
              assertThat(html)
                  .as(what)
                  .contains("href=\"https://kairos.example/u/abc\"")
                  .contains("href=\"https://kairos.example/p/abc\"");
              assertThat(ok.field("text")).as(what).contains("https://kairos.example/u/abc");
            }
          }
          if (t.channel().equals("sms")) {
            assertThat(ok.sms().segments()).as(what).isBetween(1, 2);
          }
          if (t.channel().equals("webhook")) {
            JsonNode body = JSON.readTree(ok.field("body"));
            assertThat(body.path("message_id").asText()).as(what).isEqualTo("m-" + renders);
          }
          // With the example event, every variable a template prints from it is there.
          assertThat(ok.undefined())
              .as(what + " printed nothing for")
              .noneMatch(u -> u.variable().startsWith("event.") && properties != null);
          renders++;
        }
      }
    }
    assertThat(renders).isGreaterThan(100);
  }

  @Test
  void theGermanAndPersianVariantsAreChosenByTheCustomersLocale() {
    MessageTemplate welcome = templates().get("welcome");
    TemplateRenderer renderer = new TemplateRenderer();
    Map<String, Object> sara = new LinkedHashMap<>();
    sara.put("user_id", "sara");
    sara.put("first_name", "سارا");
    sara.put("locale", "fa-IR");
    RenderResult.Rendered fa =
        renderer
            .render(
                welcome,
                1,
                RenderContext.builder(NOW)
                    .profile(sara)
                    .event("Signed Up", Map.of("plan", "trial"), NOW)
                    .build())
            .orThrow();
    assertThat(fa.locale()).isEqualTo("fa");
    assertThat(fa.direction()).isEqualTo("rtl");
    assertThat(fa.field("subject")).isEqualTo("سارا، به نورثویند خوش آمدید");
    assertThat(fa.field("html")).startsWith("<!DOCTYPE html><html dir=\"rtl\" lang=\"fa\">");

    Map<String, Object> ana = Map.of("user_id", "ana", "first_name", "Ana", "locale", "de-DE");
    RenderResult.Rendered de =
        renderer.render(welcome, 1, RenderContext.builder(NOW).profile(ana).build()).orThrow();
    assertThat(de.locale()).isEqualTo("de");
    assertThat(de.field("subject")).isEqualTo("Willkommen bei Northwind, Ana");
  }

  @Test
  void aTemplateFileThatDoesNotLoadStopsTheStartNamingTheFileAndTheProblem() throws Exception {
    Path templates = Files.createDirectories(dir.resolve("templates"));
    Files.writeString(
        templates.resolve("hello.json"),
        """
        {"id": "hello", "channel": "email", "locales": {"en": {"subject": "Hi {{ x | shout }}",
          "text": "Hi"}}}
        """);
    Files.writeString(
        templates.resolve("other-name.json"),
        "{\"id\": \"bye\", \"channel\": \"sms\", \"locales\": {\"en\": {\"text\": \"Bye\"}}}");
    Files.writeString(templates.resolve("broken.json"), "{\"id\": \"broken\",");
    assertThatThrownBy(() -> DirectorySeed.templates(templates))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("templates.dir: the templates in " + templates + " do not load")
        .hasMessageContaining(templates.resolve("broken.json") + ":1:")
        .hasMessageContaining(templates.resolve("hello.json") + ": locales.en.subject: ")
        .hasMessageContaining("line 1, column 11: unknown filter 'shout'")
        .hasMessageContaining(
            templates.resolve("other-name.json")
                + ": id: 'bye' is not the file's name; save it as bye.json");

    // And a server does not start with them, nor create the workspace.
    Path data = Files.createDirectories(dir.resolve("data"));
    var config =
        TestStores.config(StoreKind.SQLITE, data)
            .set("journeys.dir", SeedTest.EXAMPLES.toString())
            .set("templates.dir", templates.toString())
            .build();
    VirtualClock clock = new VirtualClock(Instant.parse("2026-03-01T09:00:00Z"));
    assertThatThrownBy(() -> KairosServer.start(config, clock).close())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("broken.json");
  }

  /**
   * The first example event of each name (page calls as Page Viewed), its properties: by scenario
   * ({@code s04}), and over all scenarios under "".
   */
  private static Map<String, Map<String, Map<String, Object>>> exampleEvents() throws Exception {
    Map<String, Map<String, Map<String, Object>>> out = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(TIMELINES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
        String scenario = f.getFileName().toString().substring(0, 3);
        for (String line : Files.readAllLines(f)) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode n = JSON.readTree(line);
          String type = n.path("type").asText();
          Map<String, Object> props =
              n.has("properties") ? JSON.convertValue(n.get("properties"), MAP) : Map.of();
          String name = null;
          if (type.equals("track")) {
            name = n.path("event").asText();
          } else if (type.equals("page")) {
            props = new LinkedHashMap<>(props);
            props.putIfAbsent("name", n.path("name").asText());
            name = "Page Viewed";
          }
          if (name != null) {
            out.computeIfAbsent(scenario, k -> new LinkedHashMap<>()).putIfAbsent(name, props);
            out.computeIfAbsent("", k -> new LinkedHashMap<>()).putIfAbsent(name, props);
          }
        }
      }
    }
    return out;
  }

  /** The example profiles as the server hands a profile to the renderer. */
  private static List<Map<String, Object>> exampleProfiles() throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(PROFILES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
        for (String line : Files.readAllLines(f)) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode n = JSON.readTree(line);
          Map<String, Object> p = new LinkedHashMap<>();
          p.put("id", n.path("userId").asText());
          p.put("user_id", n.path("userId").asText());
          if (n.has("traits")) {
            p.putAll(JSON.convertValue(n.get("traits"), MAP));
          }
          if (n.hasNonNull("timezone")) {
            p.put("timezone", n.get("timezone").asText());
          }
          out.add(p);
        }
      }
    }
    return out;
  }

  /** Every element closed in order (void elements aside): simple, valid HTML. */
  private static void assertWellFormed(String what, String html) {
    assertThat(html).as(what).startsWith("<!DOCTYPE html>");
    Deque<String> open = new ArrayDeque<>();
    Matcher m = TAG.matcher(html.substring("<!DOCTYPE html>".length()));
    while (m.find()) {
      String name = m.group(2).toLowerCase(java.util.Locale.ROOT);
      if (VOID.contains(name) || !m.group(3).isEmpty()) {
        continue;
      }
      if (m.group(1).isEmpty()) {
        open.push(name);
      } else {
        assertThat(open).as(what + ": </" + name + "> closes nothing").isNotEmpty();
        assertThat(open.pop())
            .as(what + ": </" + name + "> closes another element")
            .isEqualTo(name);
      }
    }
    assertThat(open).as(what + ": elements left open").isEmpty();
  }
}
