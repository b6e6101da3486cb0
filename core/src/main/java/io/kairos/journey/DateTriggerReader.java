package io.kairos.journey;

import io.kairos.dates.DateOffset;
import io.kairos.dates.DateRule;
import io.kairos.dates.OccasionRule;
import io.kairos.dates.Occasions;
import io.kairos.dates.Recurrence;
import io.kairos.expr.Expression;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Reads the {@code date} and {@code schedule} triggers. */
final class DateTriggerReader {

  /** The keys only a date trigger takes. */
  static final List<String> DATE_KEYS = List.of("recurring", "offset", "at");

  /** The keys only a schedule trigger takes. */
  static final List<String> SCHEDULE_KEYS = List.of("audience");

  private static final Pattern PATH = Pattern.compile("profile(\\.[A-Za-z_][A-Za-z0-9_]*)+");
  private static final Pattern TIME = Pattern.compile("\\d{2}:\\d{2}(:\\d{2})?");
  private static final List<String> SCHEDULE_RULES = List.of("yearly", "weekly", "on", "calendar");

  private final Doc doc;

  DateTriggerReader(Doc doc) {
    this.doc = doc;
  }

  Trigger date(Fields f, Expression where) {
    Node pathNode = f.get("date");
    String attribute = doc.text(pathNode, "date");
    List<String> path = null;
    if (attribute != null) {
      if (PATH.matcher(attribute).matches()) {
        path = Arrays.asList(attribute.substring("profile.".length()).split("\\."));
      } else {
        doc.problem(
            pathNode,
            "'date' must name a profile attribute, e.g. profile.birthday or"
                + " profile.subscription.renews_at; not '"
                + attribute
                + "'");
      }
    }
    Recurrence recurring = Recurrence.NONE;
    if (f.has("recurring")) {
      String r = doc.text(f.get("recurring"), "recurring");
      if (r != null) {
        try {
          recurring = Recurrence.valueOf(r.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          doc.problem(
              f.get("recurring"),
              "unknown recurring '" + r + "'; expected yearly, monthly or none");
        }
      }
    }
    DateOffset offset = DateOffset.NONE;
    if (f.has("offset")) {
      String o = doc.text(f.get("offset"), "offset");
      if (o != null) {
        try {
          offset = DateOffset.parse(o);
        } catch (IllegalArgumentException e) {
          doc.problem(f.get("offset"), e.getMessage() + " (an offset is e.g. -7d, +1d, -2h)");
        }
      }
    }
    Node atNode = f.require("at");
    LocalTime at = atNode == null ? null : time(atNode);
    if (path == null || at == null) {
      return null;
    }
    return new Trigger.OnDate(attribute, path, new DateRule(recurring, offset, at), where);
  }

  Trigger schedule(Fields f, Expression where) {
    Node node = f.get("schedule");
    Occasions occasions = node instanceof MappingNode m ? rules(m) : dateTime(node);
    String audience = f.has("audience") ? doc.text(f.get("audience"), "audience") : null;
    return occasions == null ? null : new Trigger.Schedule(occasions, audience, where);
  }

  /** {@code schedule: "2026-12-24T10:00"}: one local date-time. */
  private Occasions dateTime(Node node) {
    String text = doc.text(node, "schedule");
    if (text == null) {
      return null;
    }
    try {
      LocalDateTime t = LocalDateTime.parse(text.trim());
      return new Occasions(
          List.of(new OccasionRule.On(t.toLocalDate())), List.of(), t.toLocalTime());
    } catch (DateTimeParseException e) {
      doc.problem(
          node,
          "invalid schedule '"
              + text
              + "': expected a local date-time like 2026-12-24T10:00, or a mapping with"
              + " yearly, weekly, on or calendar, and at");
      return null;
    }
  }

  private Occasions rules(MappingNode m) {
    List<String> keys = new ArrayList<>(SCHEDULE_RULES);
    keys.add("at");
    Fields f = Fields.of(doc, m, "schedule", keys);
    List<OccasionRule> rules = new ArrayList<>();
    List<Occasions.CalendarRef> refs = new ArrayList<>();
    boolean any = false;
    for (String kind : SCHEDULE_RULES) {
      if (!f.has(kind)) {
        continue;
      }
      any = true;
      for (ScalarNode item : items(f.get(kind), kind)) {
        String text = doc.text(item, kind);
        if (text == null) {
          continue;
        }
        try {
          switch (kind) {
            case "yearly" -> {
              OccasionRule r = OccasionRule.date(text);
              if (!(r instanceof OccasionRule.Yearly)) {
                throw new IllegalArgumentException(
                    "invalid yearly date '" + text + "': expected MM-DD, e.g. 12-24");
              }
              rules.add(r);
            }
            case "on" -> {
              OccasionRule r = OccasionRule.date(text);
              if (!(r instanceof OccasionRule.On)) {
                throw new IllegalArgumentException(
                    "invalid date '" + text + "': expected YYYY-MM-DD (use yearly for MM-DD)");
              }
              rules.add(r);
            }
            case "weekly" ->
                rules.add(new OccasionRule.Weekly(java.util.Set.of(OccasionRule.dayOfWeek(text))));
            default -> refs.add(ref(item, text));
          }
        } catch (IllegalArgumentException e) {
          doc.problem(item, e.getMessage());
        }
      }
    }
    if (!any) {
      doc.problem(m, "schedule needs one of yearly, weekly, on or calendar");
    }
    Node atNode = f.require("at");
    LocalTime at = atNode == null ? null : time(atNode);
    return at == null || !doc.ok() ? null : new Occasions(rules, refs, at);
  }

  private Occasions.CalendarRef ref(ScalarNode item, String text) {
    Mark mark = item.getStartMark().orElse(null);
    int line = mark == null ? 1 : mark.getLine() + 1;
    int column = mark == null ? 1 : mark.getColumn() + 1;
    int dot = text.indexOf('.');
    String calendar = dot < 0 ? text : text.substring(0, dot);
    String date = dot < 0 ? null : text.substring(dot + 1);
    return new Occasions.CalendarRef(calendar, date, doc.source(), line, column);
  }

  /** A scalar, or a list of scalars. */
  private List<ScalarNode> items(Node n, String what) {
    List<ScalarNode> out = new ArrayList<>();
    if (n instanceof ScalarNode s) {
      out.add(s);
    } else if (n instanceof SequenceNode seq) {
      for (Node item : seq.getValue()) {
        if (item instanceof ScalarNode s) {
          out.add(s);
        } else {
          doc.problem(item, "'" + what + "' items must be strings, not " + Doc.describe(item));
        }
      }
    } else {
      doc.problem(n, "'" + what + "' must be a string or a list, not " + Doc.describe(n));
    }
    return out;
  }

  /** {@code "HH:MM"} (or {@code HH:MM:SS}), local time of day. */
  private LocalTime time(Node n) {
    String t = doc.text(n, "at");
    if (t == null) {
      return null;
    }
    if (TIME.matcher(t.trim()).matches()) {
      try {
        return LocalTime.parse(t.trim());
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    doc.problem(n, "invalid time '" + t + "' for 'at': expected HH:MM, e.g. \"10:00\"");
    return null;
  }
}
