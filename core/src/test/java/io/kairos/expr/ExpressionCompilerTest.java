package io.kairos.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpressionCompilerTest {

  static final ExpressionCompiler COMPILER = new ExpressionCompiler();
  static final Instant NOW = Instant.parse("2026-02-01T00:00:00Z");

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static TestBindings cart(Object price) {
    return new TestBindings(
        map(
            "name",
            "Product Added",
            "properties",
            map("price", price, "sku", "A-1", "coupon", null, "tags", List.of("sale", "new"))),
        map(
            "plan",
            "pro",
            "score",
            4L,
            "first_seen",
            Instant.parse("2026-01-01T00:00:00Z"),
            "tags",
            Arrays.asList("vip", null)),
        NOW);
  }

  static Object eval(String source, Bindings b) throws ExpressionException {
    return COMPILER.compile(source).evaluate(b);
  }

  @Test
  void comparesDoublesAndLongsWithIntLiterals() throws Exception {
    Expression e = COMPILER.compileCondition("event.properties.price >= 10");
    assertThat(e.test(cart(25.5))).isTrue();
    assertThat(e.test(cart(25L))).isTrue();
    assertThat(e.test(cart(9.99))).isFalse();
    assertThat(COMPILER.compile("event.properties.price < 30.5").test(cart(30L))).isTrue();
  }

  @Test
  void instantsAreTimestamps() throws Exception {
    assertThat(eval("profile.first_seen < now - duration('168h')", cart(1L))).isEqualTo(true);
    assertThat(eval("now - profile.first_seen", cart(1L))).isEqualTo(Duration.ofDays(31));
    assertThat(eval("now", cart(1L))).isEqualTo(NOW);
    assertThat(eval("profile.first_seen + duration('1h')", cart(1L)))
        .isEqualTo(Instant.parse("2026-01-01T01:00:00Z"));
    assertThat(eval("profile.first_seen == timestamp('2026-01-01T00:00:00Z')", cart(1L)))
        .isEqualTo(true);
  }

  @Test
  void resultsArePlainJavaValues() throws Exception {
    TestBindings b = cart(25.5);
    assertThat(eval("profile.score + 1", b)).isEqualTo(5L);
    assertThat(eval("event.properties.price * 2.0", b)).isEqualTo(51.0);
    assertThat(eval("event.properties.sku + '!'", b)).isEqualTo("A-1!");
    assertThat(eval("event.properties.coupon", b)).isNull();
    assertThat(eval("event.properties.coupon == null", b)).isEqualTo(true);
    assertThat(eval("event.properties.tags", b)).isEqualTo(List.of("sale", "new"));
    assertThat(eval("profile.tags", b)).isEqualTo(Arrays.asList("vip", null));
    assertThat(eval("[1, 'a', null, event.properties.price]", b))
        .isEqualTo(Arrays.asList(1L, "a", null, 25.5));
    assertThat(eval("{'a': null, 'b': event.properties.tags}", b))
        .isEqualTo(new HashMap<>(map("a", null, "b", List.of("sale", "new"))));
    assertThat(eval("1u + 2u", b)).isEqualTo(3L);
    assertThat(eval("event.properties", b)).isSameAs(b.event.get("properties"));
  }

  @Test
  void mapsAndListsWorkThroughTheStandardLibrary() throws Exception {
    TestBindings b = cart(25.5);
    assertThat(eval("'sale' in event.properties.tags", b)).isEqualTo(true);
    assertThat(eval("event.properties.tags.exists(t, t == 'new')", b)).isEqualTo(true);
    assertThat(eval("size(event.properties)", b)).isEqualTo(4L);
    assertThat(eval("'coupon' in event.properties", b)).isEqualTo(true);
    assertThat(eval("event.properties['sku']", b)).isEqualTo("A-1");
    assertThat(eval("profile.tags[1] == null", b)).isEqualTo(true);
    assertThat(eval("event.properties.tags == ['sale', 'new']", b)).isEqualTo(true);
    assertThat(eval("event.properties.filter(k, k.startsWith('c'))", b))
        .isEqualTo(List.of("coupon"));
  }

  @Test
  void javaIntegersAndFloatsCountAsCelNumbers() throws Exception {
    TestBindings b = new TestBindings(map("n", 3, "f", 1.5f), map(), NOW);
    assertThat(eval("event.n + 1", b)).isEqualTo(4L);
    assertThat(eval("event.f > 1", b)).isEqualTo(true);
  }

  @Test
  void hasTellsWhetherAKeyIsThere() throws Exception {
    TestBindings b = cart(25.5);
    assertThat(eval("has(event.properties.x)", b)).isEqualTo(false);
    assertThat(eval("has(event.properties.price)", b)).isEqualTo(true);
    assertThat(eval("has(event.properties.coupon)", b)).isEqualTo(true);
    assertThat(eval("has(event.properties.x) && event.properties.x > 1", b)).isEqualTo(false);
  }

  @Test
  void aMissingKeyFailsEvaluation() throws Exception {
    Expression e = COMPILER.compile("event.properties.x > 1");
    assertThatThrownBy(() -> e.test(cart(25.5)))
        .isInstanceOf(EvaluationException.class)
        .hasMessage("'event.properties.x > 1': key 'x' is not present in map");
  }

  @Test
  void aTypeMismatchFailsEvaluation() throws Exception {
    Expression e = COMPILER.compile("profile.plan + 1");
    assertThatThrownBy(() -> e.evaluate(cart(25.5)))
        .isInstanceOf(EvaluationException.class)
        .hasMessageStartingWith("'profile.plan + 1': No matching overload for function '_+_'");
    assertThatThrownBy(() -> COMPILER.compile("1 / (profile.score - 4)").evaluate(cart(1L)))
        .isInstanceOf(EvaluationException.class)
        .hasMessage("'1 / (profile.score - 4)': / by zero");
  }

  @Test
  void aConditionThatIsNotABooleanFailsTest() throws Exception {
    Expression e = COMPILER.compileCondition("event.properties.sku");
    assertThatThrownBy(() -> e.test(cart(25.5)))
        .isInstanceOf(EvaluationException.class)
        .hasMessageContaining("gave String, not a boolean");
  }

  @Test
  void onlyTheVariablesAnExpressionReadsAreBuilt() throws Exception {
    TestBindings b = cart(25.5);
    COMPILER.compile("event.properties.price > 1 && event.properties.sku != ''").evaluate(b);
    assertThat(b.eventCalls).isEqualTo(1);
    assertThat(b.profileCalls).isZero();
    assertThat(b.journeyCalls).isZero();

    TestBindings c = cart(25.5);
    COMPILER.compile("now > timestamp('2020-01-01T00:00:00Z') || profile.plan == 'x'").evaluate(c);
    assertThat(c.eventCalls + c.profileCalls + c.journeyCalls).isZero();
  }

  @Test
  void journeyVariablesAreReadable() throws Exception {
    TestBindings b =
        new TestBindings(
            map(), map(), map("entered_at", Instant.parse("2026-01-31T00:00:00Z")), NOW);
    assertThat(eval("now - journey.entered_at >= duration('24h')", b)).isEqualTo(true);
  }

  @Test
  void oneCompiledExpressionEvaluatesManyInputs() throws Exception {
    Expression e = COMPILER.compile("event.properties.price * 2.0");
    assertThat(e.evaluate(cart(1.0))).isEqualTo(2.0);
    assertThat(e.evaluate(cart(2.5))).isEqualTo(5.0);
  }

  @Test
  void referencesListTheFieldPathsRead() throws Exception {
    assertThat(
            COMPILER
                .compile(
                    "event.properties.price >= 10 && profile.plan == 'pro'"
                        + " && has(event.properties.sku) && event.properties['price'] < 100"
                        + " && journey.step_count > 0 && now > profile.first_seen")
                .references())
        .containsExactly(
            "event.properties.price",
            "profile.plan",
            "event.properties.sku",
            "journey.step_count",
            "profile.first_seen");
    assertThat(COMPILER.compile("event.properties.tags.exists(t, t == profile.tag)").references())
        .containsExactly("event.properties.tags", "profile.tag");
    assertThat(COMPILER.compile("event.properties[profile.key]").references())
        .containsExactly("event.properties", "profile.key");
    assertThat(COMPILER.compile("1 + 2").references()).isEmpty();
    assertThat(Expression.literal(1L, "1").references()).isEmpty();
  }

  @Test
  void syntaxErrorsPointAtTheOffendingToken() {
    assertThatThrownBy(() -> COMPILER.compile("event.properties.price >= "))
        .isInstanceOfSatisfying(
            ExpressionException.class, e -> assertThat(e.offset()).isEqualTo(26));
    assertThatThrownBy(() -> COMPILER.compile("event.properties.price >== 10"))
        .isInstanceOfSatisfying(
            ExpressionException.class, e -> assertThat(e.offset()).isEqualTo(25));
  }

  @Test
  void unknownVariablesAndFunctionsPointAtTheirName() {
    assertThatThrownBy(() -> COMPILER.compile("evnt.properties.price > 1"))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.offset()).isZero();
              assertThat(e.getMessage())
                  .isEqualTo(
                      "undeclared reference to 'evnt'; the variables are event, profile, journey"
                          + " and now");
            });
    assertThatThrownBy(() -> COMPILER.compile("profile.plan == 'a' && nope(1)"))
        .isInstanceOfSatisfying(
            ExpressionException.class, e -> assertThat(e.offset()).isEqualTo(27));
  }

  @Test
  void offsetsCountCharsAfterNonAsciiText() {
    assertThatThrownBy(() -> COMPILER.compile("event.name == 'سلام 🎉' && bad"))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> assertThat(e.expression().substring(e.offset())).isEqualTo("bad"));
  }

  @Test
  void conditionsMustBeBooleans() {
    assertThatThrownBy(() -> COMPILER.compileCondition("1 + 2"))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.getMessage())
                  .isEqualTo("a condition must be true or false, but this is int");
              assertThat(e.offset()).isZero();
            });
  }

  @Test
  void emptyExpressionsAreRejected() {
    assertThatThrownBy(() -> COMPILER.compile("  "))
        .isInstanceOf(ExpressionException.class)
        .hasMessage("empty expression");
  }

  @Test
  void comprehensionsAreBounded() throws Exception {
    Expression e = COMPILER.compile("event.items.all(i, i >= 0)");
    List<Long> many = new java.util.ArrayList<>();
    for (long i = 0; i < 20_000; i++) {
      many.add(i);
    }
    assertThatThrownBy(() -> e.evaluate(new TestBindings(map("items", many), map(), NOW)))
        .isInstanceOf(EvaluationException.class)
        .hasMessageEndingWith("Iteration budget exceeded: 10000");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "event.properties.price >=      | 25 | unexpected end of expression",
        "profile.plan = 'pro'           | 13 | unexpected '='; compare with ==",
        "event.name == 'Order           | 14 | unterminated string 'Order",
        "event.x in [1, 2               | 16 | unexpected end of expression; expected ']' or ','",
        "event.price > 10 and true      | 17 | unexpected 'and'",
        "now > 5                        | 4  | no overload of '>' applied to '(timestamp, int)'",
        "timestamp('2026-13')           | 10 | invalid timestamp: Text '2026-13' could not be parsed"
            + " at index 7",
        "now - duration('3x') < now     | 15 | invalid duration: invalid duration format",
        "event.name.matches('[')        | 19 | invalid regex: Unclosed character class near index 0",
      })
  void compileErrorsAreWrittenForJourneyAuthors(String source, int offset, String message) {
    assertThatThrownBy(() -> COMPILER.compile(source))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.getMessage()).isEqualTo(message);
              assertThat(e.offset()).isEqualTo(offset);
              assertThat(e.expression()).isEqualTo(source);
            });
  }
}
