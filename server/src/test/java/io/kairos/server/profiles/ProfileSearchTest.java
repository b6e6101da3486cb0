package io.kairos.server.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.server.testing.StoreKind;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Finding profiles by userId, by an anonymousId (also once the visitor was merged into a known
 * customer), by email and by trait, and paging through the results.
 */
class ProfileSearchTest {
  @TempDir Path dir;

  private static final List<String> EVENTS =
      List.of(
          "{\"type\":\"page\",\"anonymousId\":\"visitor-9\",\"name\":\"Pricing\","
              + "\"timestamp\":\"2026-03-02T09:00:00Z\"}",
          "{\"type\":\"identify\",\"userId\":\"ana\",\"anonymousId\":\"visitor-9\","
              + "\"timestamp\":\"2026-03-02T09:30:00Z\",\"traits\":{\"email\":\"Ana@Example.com\","
              + "\"plan\":\"pro\",\"age\":42,\"vip\":true,\"address\":{\"city\":\"Berlin\"}}}",
          "{\"type\":\"identify\",\"userId\":\"bob\",\"timestamp\":\"2026-03-02T09:31:00Z\","
              + "\"traits\":{\"email\":\"bob@example.com\",\"plan\":\"pro\",\"age\":\"42\","
              + "\"vip\":false}}",
          "{\"type\":\"identify\",\"userId\":\"cleo\",\"timestamp\":\"2026-03-02T09:32:00Z\","
              + "\"traits\":{\"email\":\"cleo@example.com\",\"plan\":\"free\"}}",
          "{\"type\":\"identify\",\"userId\":\"dan\",\"timestamp\":\"2026-03-02T09:33:00Z\","
              + "\"traits\":{\"plan\":\"pro\",\"address\":{\"city\":\"Lisbon\"}}}",
          "{\"type\":\"identify\",\"userId\":\"eve\",\"timestamp\":\"2026-03-02T09:34:00Z\","
              + "\"traits\":{\"plan\":\"pro\"}}",
          "{\"type\":\"track\",\"anonymousId\":\"visitor-7\",\"event\":\"Page Viewed\","
              + "\"timestamp\":\"2026-03-02T09:35:00Z\"}",
          // A NUL escape in a trait (PostgreSQL's JSON functions refuse one), and the same text
          // with its backslash escaped, which is no NUL at all.
          "{\"type\":\"identify\",\"userId\":\"fay\",\"timestamp\":\"2026-03-02T09:36:00Z\","
              + "\"traits\":{\"note\":\"a\\u0000b\",\"path\":\"c:\\\\u0000d\",\"plan\":\"trial\"}}");

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void profilesAreFoundByEveryIdentityAndByTrait(StoreKind kind) {
    try (ProfilesFixture f = new ProfilesFixture(kind, dir, false)) {
      f.at("2026-03-02T10:00:00Z");
      f.feed(EVENTS);
      f.idle();

      assertThat(ids(f, "user_id=ana")).containsExactly("ana");
      JsonNode ana = f.get("/v1/profiles?user_id=ana").get("profiles").get(0);
      assertThat(ana.get("user_id").asText()).isEqualTo("ana");
      assertThat(ana.get("traits").get("plan").asText()).isEqualTo("pro");
      assertThat(ana.get("updated_at").asText()).isEqualTo("2026-03-02T10:00:00Z");
      // The visitor became ana: its anonymous id leads to her, its own profile is gone.
      assertThat(ids(f, "anonymous_id=visitor-9")).containsExactly("ana");
      assertThat(f.get("/v1/profiles/ana").get("anonymous_ids").get(0).asText())
          .isEqualTo("visitor-9");
      f.get("/v1/profiles/visitor-9", f.read, 404);
      // A visitor never identified is found by its own id.
      assertThat(ids(f, "anonymous_id=visitor-7")).containsExactly("visitor-7");
      assertThat(ids(f, "anonymous_id=nobody")).isEmpty();
      assertThat(ids(f, "user_id=visitor-7")).isEmpty();

      assertThat(ids(f, "email=" + enc("ana@example.COM"))).containsExactly("ana");
      assertThat(ids(f, "trait.plan=pro")).containsExactly("ana", "bob", "dan", "eve");
      assertThat(ids(f, "trait.plan=Pro")).isEmpty();
      // Compared as text: the number 42 and the string "42" both match.
      assertThat(ids(f, "trait.age=42")).containsExactly("ana", "bob");
      assertThat(ids(f, "trait.vip=true")).containsExactly("ana");
      assertThat(ids(f, "trait.vip=false")).containsExactly("bob");
      assertThat(ids(f, "trait.address.city=Berlin")).containsExactly("ana");
      assertThat(ids(f, "trait.plan=pro&trait.address.city=Lisbon")).containsExactly("dan");
      assertThat(ids(f, "trait.plan=pro&email=bob%40example.com")).containsExactly("bob");
      assertThat(ids(f, "trait.plan=free&user_id=ana")).isEmpty();
      assertThat(ids(f, ""))
          .containsExactly("ana", "bob", "cleo", "dan", "eve", "fay", "visitor-7");
      assertThat(ids(f, "trait.plan=trial")).containsExactly("fay");
      assertThat(ids(f, "trait.path=" + enc("c:\\u0000d"))).containsExactly("fay");
      assertThat(f.get("/v1/profiles/fay").get("traits").get("note").asText()).isEqualTo("a\0b");

      // Pages of two, each continuing where the last ended.
      List<String> paged = new ArrayList<>();
      String next = null;
      int pages = 0;
      do {
        JsonNode page =
            f.get("/v1/profiles?trait.plan=pro&limit=2" + (next == null ? "" : "&cursor=" + next));
        page.get("profiles").forEach(p -> paged.add(p.get("id").asText()));
        assertThat(page.get("profiles").size()).isLessThanOrEqualTo(2);
        next = page.get("next").isNull() ? null : page.get("next").asText();
        pages++;
      } while (next != null);
      assertThat(paged).containsExactly("ana", "bob", "dan", "eve");
      // Four results in pages of two: the second page is full but is the last one.
      assertThat(pages).isEqualTo(2);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static List<String> ids(ProfilesFixture f, String query) {
    JsonNode r = f.get("/v1/profiles?" + query);
    List<String> out = new ArrayList<>();
    r.get("profiles").forEach(p -> out.add(p.get("id").asText()));
    return out;
  }
}
