package io.kairos.expr;

import com.google.common.collect.ImmutableList;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.exceptions.CelBadFormatException;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelFunctionOverload;
import dev.cel.runtime.CelFunctionResolver;
import dev.cel.runtime.CelResolvedOverload;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The functions every expression can call about the profile it is evaluated for:
 *
 * <ul>
 *   <li>{@code count("Order Completed")}: events of that name, ever;
 *   <li>{@code count("Order Completed", duration("30d"))}: events of that name in the last 30 days
 *       (after {@code now - 30d}, up to {@code now}); name and window must be literals, because the
 *       engine keeps the times of exactly those events for exactly that long;
 *   <li>{@code last("Order Completed")}: when the last one happened, a timestamp; for a profile
 *       that never had one, {@code 0001-01-01T00:00:00Z}, CEL's earliest timestamp, so {@code
 *       last("X") < now - duration("90d")} ("not in the last 90 days") holds and {@code last("X") >
 *       now - duration("90d")} does not;
 *   <li>{@code age(profile.birthday)}: whole years from a date ({@code "1990-05-17"}, or a
 *       timestamp, read as a date in the profile's zone) to today in the profile's zone;
 *   <li>{@code in_segment("vip")}: whether the profile is in the segment now.
 * </ul>
 *
 * <p>They are late-bound: CEL resolves them per evaluation against the profile being evaluated, so
 * compiled programs stay shared and immutable. Each reports its value and when it next changes with
 * time alone to {@link ProfileFacts#observe}, which keeps segments current.
 */
final class ProfileFunctions {

  static final Set<String> NAMES = Set.of("count", "last", "age", "in_segment");

  /** CEL's earliest timestamp: what {@code last} gives for an event that never happened. */
  static final Instant NEVER = Instant.parse("0001-01-01T00:00:00Z");

  private ProfileFunctions() {}

  static List<CelFunctionDecl> declarations() {
    return List.of(
        CelFunctionDecl.newFunctionDeclaration(
            "count",
            CelOverloadDecl.newGlobalOverload("count_string", SimpleType.INT, SimpleType.STRING),
            CelOverloadDecl.newGlobalOverload(
                "count_string_duration", SimpleType.INT, SimpleType.STRING, SimpleType.DURATION)),
        CelFunctionDecl.newFunctionDeclaration(
            "last",
            CelOverloadDecl.newGlobalOverload(
                "last_string", SimpleType.TIMESTAMP, SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration(
            "age",
            CelOverloadDecl.newGlobalOverload("age_string", SimpleType.INT, SimpleType.STRING),
            CelOverloadDecl.newGlobalOverload(
                "age_timestamp", SimpleType.INT, SimpleType.TIMESTAMP)),
        CelFunctionDecl.newFunctionDeclaration(
            "in_segment",
            CelOverloadDecl.newGlobalOverload(
                "in_segment_string", SimpleType.BOOL, SimpleType.STRING)));
  }

  /**
   * The functions bound to one evaluation's profile and clock. A resolver of its own rather than
   * {@code CelLateFunctionBindings}, which builds a map of every binding per evaluation: this one
   * costs one small object, and one resolved overload per call.
   */
  static CelFunctionResolver bind(ProfileFacts facts, long now) {
    return new Resolver(facts, now);
  }

  private static final ImmutableList<Class<?>> STRING = ImmutableList.of(String.class);
  private static final ImmutableList<Class<?>> STRING_DURATION =
      ImmutableList.of(String.class, Duration.class);
  private static final ImmutableList<Class<?>> TIMESTAMP = ImmutableList.of(Instant.class);

  private record Resolver(ProfileFacts facts, long now) implements CelFunctionResolver {
    @Override
    public Optional<CelResolvedOverload> findOverloadMatchingArgs(
        String function, Collection<String> overloadIds, Object[] args) {
      return findOverloadMatchingArgs(function, args);
    }

    @Override
    public Optional<CelResolvedOverload> findOverloadMatchingArgs(String function, Object[] args) {
      String id;
      ImmutableList<Class<?>> types;
      if (function.equals("count") && args.length == 1 && args[0] instanceof String) {
        id = "count_string";
        types = STRING;
      } else if (function.equals("count")
          && args.length == 2
          && args[0] instanceof String
          && args[1] instanceof Duration) {
        id = "count_string_duration";
        types = STRING_DURATION;
      } else if (function.equals("last") && args.length == 1 && args[0] instanceof String) {
        id = "last_string";
        types = STRING;
      } else if (function.equals("age") && args.length == 1 && args[0] instanceof String) {
        id = "age_string";
        types = STRING;
      } else if (function.equals("age") && args.length == 1 && args[0] instanceof Instant) {
        id = "age_timestamp";
        types = TIMESTAMP;
      } else if (function.equals("in_segment") && args.length == 1 && args[0] instanceof String) {
        id = "in_segment_string";
        types = STRING;
      } else {
        return Optional.empty();
      }
      String overload = id;
      CelFunctionOverload impl = a -> apply(overload, a);
      return Optional.of(CelResolvedOverload.of(function, id, impl, true, types));
    }

    private Object apply(String id, Object[] args) {
      switch (id) {
        case "count_string":
          return count(facts, (String) args[0]);
        case "count_string_duration":
          return countWithin(facts, now, (String) args[0], (Duration) args[1]);
        case "last_string":
          return last(facts, (String) args[0]);
        case "age_string":
          return age(facts, now, date((String) args[0]), args[0]);
        case "age_timestamp":
          Instant t = (Instant) args[0];
          return age(facts, now, t.atZone(facts.zone()).toLocalDate(), t);
        default:
          return inSegment(facts, (String) args[0]);
      }
    }
  }

  private static long count(ProfileFacts facts, String name) {
    long v = facts.count(name);
    if (facts.recording()) {
      facts.observe("count(\"" + name + "\")", v, Long.MAX_VALUE);
    }
    return v;
  }

  private static long countWithin(ProfileFacts facts, long now, String name, Duration window) {
    long w = window.toMillis();
    long after = now - w;
    long v = facts.countAfter(name, after);
    if (facts.observing()) {
      long first = facts.firstAfter(name, after);
      // The count drops when its oldest event leaves the window.
      long next = first == Long.MAX_VALUE ? Long.MAX_VALUE : first + w;
      facts.observe(
          facts.recording() ? "count(\"" + name + "\", " + Durations.format(window) + ")" : null,
          v,
          next);
    }
    return v;
  }

  private static Instant last(ProfileFacts facts, String name) {
    long t = facts.last(name);
    Instant v = t == Long.MIN_VALUE ? NEVER : Instant.ofEpochMilli(t);
    if (facts.recording()) {
      facts.observe("last(\"" + name + "\")", t == Long.MIN_VALUE ? "never" : v, Long.MAX_VALUE);
    }
    return v;
  }

  private static boolean inSegment(ProfileFacts facts, String id) {
    boolean v = facts.inSegment(id);
    if (facts.recording()) {
      facts.observe("in_segment(\"" + id + "\")", v, Long.MAX_VALUE);
    }
    return v;
  }

  /** The runtime binding of {@code duration(string)} that also takes days and weeks. */
  static CelFunctionBinding durationBinding() {
    return CelFunctionBinding.from(
        "string_to_duration",
        String.class,
        text -> {
          try {
            return Durations.parse(text);
          } catch (IllegalArgumentException e) {
            throw new CelBadFormatException(e.getMessage());
          }
        });
  }

  /**
   * Whole years from {@code birth} to today in the profile's zone; the value changes at the start
   * of the local day on which it next grows. Someone born on 29 February turns a year older on 1
   * March in years without one (as {@link Period} counts); before the date itself the age is 0.
   */
  private static long age(ProfileFacts facts, long now, LocalDate birth, Object arg) {
    ZoneId zone = facts.zone();
    LocalDate today = Instant.ofEpochMilli(now).atZone(zone).toLocalDate();
    long years = today.isBefore(birth) ? 0 : Period.between(birth, today).getYears();
    if (facts.observing()) {
      LocalDate next = birth.plusYears(years + 1);
      if (Period.between(birth, next).getYears() <= years) {
        next = next.plusDays(1); // 29 February in a year without one
      }
      facts.observe(
          facts.recording()
              ? "age(" + (arg instanceof String ? "\"" + arg + "\"" : arg) + ")"
              : null,
          years,
          next.atStartOfDay(zone).toInstant().toEpochMilli());
    }
    return years;
  }

  /** A date written as {@code 1990-05-17}, or the date part of an ISO timestamp. */
  private static LocalDate date(String text) {
    try {
      return LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text);
    } catch (DateTimeException e) {
      throw new CelBadFormatException(
          "age: '" + text + "' is not a date; expected e.g. \"1990-05-17\"");
    }
  }
}
