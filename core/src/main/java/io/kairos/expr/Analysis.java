package io.kairos.expr;

import dev.cel.bundle.Cel;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Finds an expression's {@link Usage} in its checked syntax tree, and checks the rules on it. */
final class Analysis {

  private static final Set<String> ORDERINGS = Set.of("_<_", "_<=_", "_>_", "_>=_");
  private static final Set<String> EVERY_EVENT_KEYS =
      Set.of("events", "first_seen", "last_seen", "id", "user_id", "anonymous_ids");

  static final String NOW_RULE =
      "a segment can compare now only with a time, as in last(\"X\") < now - duration(\"90d\"),"
          + " now - timestamp(profile.signed_up_at) > duration(\"7d\") or"
          + " timestamp(profile.trial_ends_at) <= now; any other use of now changes with the"
          + " clock at moments Kairos cannot foresee";

  private final Cel cel;
  private final CelAbstractSyntaxTree ast;
  private final String text;
  private final Map<Long, CelExpr> parents = new HashMap<>();
  private final List<CelExpr> nodes = new ArrayList<>();

  private Analysis(Cel cel, CelAbstractSyntaxTree ast, String text) {
    this.cel = cel;
    this.ast = ast;
    this.text = text;
    walk(ast.getExpr(), null);
  }

  /**
   * The usage of a checked expression.
   *
   * @param keptCurrent whether the expression is a segment condition: then it may not read {@code
   *     event}, {@code journey} or {@code profile.segments}, {@code in_segment} takes a literal,
   *     and every {@code now} must sit in a comparison with a time (see {@link NowThreshold})
   * @throws ExpressionException at the offending part
   */
  static Usage of(Cel cel, CelAbstractSyntaxTree ast, String text, boolean keptCurrent)
      throws ExpressionException {
    return new Analysis(cel, ast, text).usage(keptCurrent);
  }

  private void walk(CelExpr e, CelExpr parent) {
    if (parent != null) {
      parents.put(e.id(), parent);
    }
    nodes.add(e);
    switch (e.getKind()) {
      case SELECT -> walk(e.select().operand(), e);
      case CALL -> {
        e.call().target().ifPresent(t -> walk(t, e));
        e.call().args().forEach(a -> walk(a, e));
      }
      case LIST -> e.list().elements().forEach(x -> walk(x, e));
      case MAP ->
          e.map()
              .entries()
              .forEach(
                  x -> {
                    walk(x.key(), e);
                    walk(x.value(), e);
                  });
      case STRUCT -> e.struct().entries().forEach(x -> walk(x.value(), e));
      case COMPREHENSION -> {
        walk(e.comprehension().iterRange(), e);
        walk(e.comprehension().accuInit(), e);
        walk(e.comprehension().loopCondition(), e);
        walk(e.comprehension().loopStep(), e);
        walk(e.comprehension().result(), e);
      }
      default -> {}
    }
  }

  private Usage usage(boolean keptCurrent) throws ExpressionException {
    Set<String> names = new LinkedHashSet<>();
    Map<String, Long> windows = new LinkedHashMap<>();
    Set<String> segments = new LinkedHashSet<>();
    boolean anyName = false;
    boolean age = false;
    boolean anySegment = false;
    boolean event = false;
    boolean journey = false;
    boolean everyEvent = false;
    boolean profileData = false;
    boolean now = false;
    boolean functions = false;
    List<NowThreshold> thresholds = new ArrayList<>();
    for (CelExpr e : nodes) {
      if (e.getKind() == CelExpr.ExprKind.Kind.IDENT) {
        switch (e.ident().name()) {
          case "event" -> {
            event = true;
            if (keptCurrent) {
              throw problem(
                  e,
                  "a segment has no event: it is about the profile; count(\"...\") and"
                      + " last(\"...\") read its events");
            }
          }
          case "journey" -> {
            journey = true;
            if (keptCurrent) {
              throw problem(e, "a segment has no journey: it is about the profile");
            }
          }
          case "profile" -> {
            String key = profileKey(e);
            if (key == null) {
              everyEvent = true;
              profileData = true;
              anySegment = true;
            } else if (key.equals("segments")) {
              anySegment = true;
              if (keptCurrent) {
                throw problem(e, "in a segment, read other segments with in_segment(\"id\")");
              }
            } else if (EVERY_EVENT_KEYS.contains(key)) {
              everyEvent = true;
            } else {
              profileData = true;
            }
          }
          case "now" -> {
            now = true;
            if (keptCurrent) {
              thresholds.add(threshold(e));
            }
          }
          default -> {}
        }
      } else if (e.getKind() == CelExpr.ExprKind.Kind.CALL
          && e.call().target().isEmpty()
          && ProfileFunctions.NAMES.contains(e.call().function())) {
        functions = true;
        List<CelExpr> args = e.call().args();
        String literal = args.isEmpty() ? null : string(args.get(0));
        switch (e.call().function()) {
          case "count", "last" -> {
            if (literal == null) {
              anyName = true;
            } else {
              names.add(literal);
            }
            if (args.size() == 2) {
              long window = window(e, literal, args.get(1));
              windows.merge(literal, window, Math::max);
            }
          }
          case "age" -> age = true;
          default -> {
            if (literal == null) {
              anySegment = true;
              if (keptCurrent) {
                throw problem(args.get(0), "in a segment, in_segment takes a segment id in quotes");
              }
            } else {
              segments.add(literal);
            }
          }
        }
      }
    }
    return new Usage(
        Set.copyOf(names),
        anyName,
        Map.copyOf(windows),
        age,
        Set.copyOf(segments),
        anySegment,
        event,
        journey,
        everyEvent,
        profileData,
        now,
        functions,
        List.copyOf(thresholds));
  }

  /** The key read from {@code profile} ({@code profile.plan}, {@code profile["plan"]}), or null. */
  private String profileKey(CelExpr ident) {
    CelExpr p = parents.get(ident.id());
    if (p == null) {
      return null;
    }
    if (p.getKind() == CelExpr.ExprKind.Kind.SELECT) {
      return p.select().field();
    }
    if (p.getKind() == CelExpr.ExprKind.Kind.CALL
        && p.call().function().equals("_[_]")
        && p.call().args().size() == 2
        && p.call().args().get(0).id() == ident.id()) {
      return string(p.call().args().get(1));
    }
    return null;
  }

  /** The window of {@code count(name, duration("30d"))} in ms; both must be literals. */
  private long window(CelExpr call, String name, CelExpr arg) throws ExpressionException {
    String rule =
        "count with a window takes an event name and a duration written out, as in"
            + " count(\"Order Completed\", duration(\"30d\"))";
    if (name == null) {
      throw problem(call.call().args().get(0), rule);
    }
    if (arg.getKind() != CelExpr.ExprKind.Kind.CALL
        || !arg.call().function().equals("duration")
        || arg.call().args().size() != 1
        || string(arg.call().args().get(0)) == null) {
      throw problem(arg, rule);
    }
    long ms;
    try {
      ms = Durations.parse(string(arg.call().args().get(0))).toMillis();
    } catch (RuntimeException e) {
      throw problem(arg, "invalid duration: " + e.getMessage());
    }
    if (ms <= 0) {
      throw problem(arg, "the window of count must be longer than 0");
    }
    return ms;
  }

  /**
   * The threshold of the comparison this {@code now} sits in: {@code now op a}, {@code now - a op
   * b} / {@code a op now - b}, {@code now + b op a}.
   */
  private NowThreshold threshold(CelExpr now) throws ExpressionException {
    CelExpr p = parents.get(now.id());
    if (p != null && isCall(p, ORDERINGS)) {
      return build(NowThreshold.Form.SAME, other(p, now), null);
    }
    if (p != null && isCall(p, Set.of("_-_")) && p.call().args().get(0).id() == now.id()) {
      CelExpr cmp = parents.get(p.id());
      if (cmp != null && isCall(cmp, ORDERINGS)) {
        return build(NowThreshold.Form.SUM, p.call().args().get(1), other(cmp, p));
      }
    }
    if (p != null && isCall(p, Set.of("_+_"))) {
      CelExpr cmp = parents.get(p.id());
      if (cmp != null && isCall(cmp, ORDERINGS)) {
        return build(NowThreshold.Form.DIFFERENCE, other(cmp, p), other(p, now));
      }
    }
    throw problem(now, NOW_RULE);
  }

  private NowThreshold build(NowThreshold.Form form, CelExpr a, CelExpr b)
      throws ExpressionException {
    CelRuntime.Program pa = program(a);
    CelRuntime.Program pb = b == null ? null : program(b);
    boolean functions = callsFunctions(a) || (b != null && callsFunctions(b));
    return new NowThreshold(form, pa, pb, functions, text);
  }

  private CelRuntime.Program program(CelExpr part) throws ExpressionException {
    if (contains(part, "now")) {
      throw problem(part, NOW_RULE);
    }
    try {
      CelAbstractSyntaxTree sub = CelAbstractSyntaxTree.newParsedAst(part, ast.getSource());
      return cel.createProgram(cel.check(sub).getAst());
    } catch (CelValidationException | CelEvaluationException e) {
      // A part that reads a list macro's variable cannot be worked out on its own.
      throw problem(part, NOW_RULE);
    }
  }

  private static boolean contains(CelExpr e, String ident) {
    List<CelExpr> all = new ArrayList<>();
    new Object() {
      void go(CelExpr x) {
        all.add(x);
        switch (x.getKind()) {
          case SELECT -> go(x.select().operand());
          case CALL -> {
            x.call().target().ifPresent(this::go);
            x.call().args().forEach(this::go);
          }
          case LIST -> x.list().elements().forEach(this::go);
          case MAP ->
              x.map()
                  .entries()
                  .forEach(
                      m -> {
                        go(m.key());
                        go(m.value());
                      });
          case STRUCT -> x.struct().entries().forEach(s -> go(s.value()));
          case COMPREHENSION -> {
            go(x.comprehension().iterRange());
            go(x.comprehension().accuInit());
            go(x.comprehension().loopCondition());
            go(x.comprehension().loopStep());
            go(x.comprehension().result());
          }
          default -> {}
        }
      }
    }.go(e);
    for (CelExpr x : all) {
      if (x.getKind() == CelExpr.ExprKind.Kind.IDENT && x.ident().name().equals(ident)) {
        return true;
      }
      if (ident == null
          && x.getKind() == CelExpr.ExprKind.Kind.CALL
          && ProfileFunctions.NAMES.contains(x.call().function())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Where the text of a part starts, in code points: CEL places a call at its '(' and a field
   * selection at its '.', so this is the leftmost position in the part, moved back over the name of
   * a function call.
   */
  private int start(CelExpr e) {
    Map<Long, Integer> positions = ast.getSource().getPositionsMap();
    int[] min = {Integer.MAX_VALUE};
    new Object() {
      void go(CelExpr x) {
        Integer p = positions.get(x.id());
        if (p != null) {
          int at = p;
          if (x.getKind() == CelExpr.ExprKind.Kind.CALL
              && x.call().target().isEmpty()
              && Character.isLetter(x.call().function().charAt(0))) {
            at = Math.max(0, p - x.call().function().length());
          }
          min[0] = Math.min(min[0], at);
        }
        switch (x.getKind()) {
          case SELECT -> go(x.select().operand());
          case CALL -> {
            x.call().target().ifPresent(this::go);
            x.call().args().forEach(this::go);
          }
          case LIST -> x.list().elements().forEach(this::go);
          default -> {}
        }
      }
    }.go(e);
    return min[0];
  }

  private static boolean callsFunctions(CelExpr e) {
    return contains(e, null);
  }

  private static boolean isCall(CelExpr e, Set<String> functions) {
    return e.getKind() == CelExpr.ExprKind.Kind.CALL
        && e.call().target().isEmpty()
        && e.call().args().size() == 2
        && functions.contains(e.call().function());
  }

  private static CelExpr other(CelExpr call, CelExpr side) {
    List<CelExpr> args = call.call().args();
    return args.get(0).id() == side.id() ? args.get(1) : args.get(0);
  }

  private static String string(CelExpr e) {
    return e.getKind() == CelExpr.ExprKind.Kind.CONSTANT
            && e.constant().getKind() == CelConstant.Kind.STRING_VALUE
        ? e.constant().stringValue()
        : null;
  }

  private ExpressionException problem(CelExpr at, String message) {
    int cp = start(at);
    int offset =
        cp == Integer.MAX_VALUE
            ? -1
            : text.offsetByCodePoints(0, Math.min(cp, text.codePointCount(0, text.length())));
    return new ExpressionException(message, text, offset);
  }
}
