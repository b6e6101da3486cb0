package io.kairos.policy;

import io.kairos.journey.Doc;
import io.kairos.journey.Fields;
import io.kairos.time.Span;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads the {@code policies:} section of a definitions file (see docs/policies.md). Problems go to
 * the {@link Doc} with their line and column; reading goes on so all are reported at once.
 */
public final class PolicyReader {

  /** The channels a send step may name (as the journey reader knows them). */
  public static final List<String> CHANNELS = List.of("email", "sms", "push", "webhook", "inbox");

  private static final List<String> KEYS =
      List.of("quiet_hours", "min_gap", "caps", "channels", "topics");
  private static final List<String> CHANNEL_KEYS =
      List.of("quiet_hours", "min_gap", "consent", "address");
  private static final Pattern HH_MM = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");
  private static final Pattern TOPIC = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
  private static final Pattern TRAIT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Doc doc;

  private PolicyReader(Doc doc) {
    this.doc = doc;
  }

  /** The policies in {@code node}, or null when it has problems (they are in the doc). */
  public static Policies read(Doc doc, Node node) {
    return new PolicyReader(doc).policies(node);
  }

  private Policies policies(Node node) {
    if (Doc.isNull(node)) {
      return Policies.NONE;
    }
    MappingNode m = doc.mapping(node, "policies");
    if (m == null) {
      return null;
    }
    int before = doc.problems().size();
    Fields f = Fields.of(doc, m, "policies", KEYS);
    QuietSetting quiet =
        f.has("quiet_hours") ? quietHours(f.get("quiet_hours")) : QuietSetting.NOT_SET;
    Span minGap = f.has("min_gap") ? doc.span(f.get("min_gap"), "min_gap", true) : null;
    List<Cap> caps = f.has("caps") ? caps(f.get("caps")) : List.of();
    List<Topic> topics = f.has("topics") ? topics(f.get("topics")) : List.of();
    Map<String, ChannelPolicy> channels = new LinkedHashMap<>();
    Map<String, MappingNode> given = f.has("channels") ? channelNodes(f.get("channels")) : Map.of();
    for (String ch : CHANNELS) {
      channels.put(ch, channel(ch, given.get(ch), quiet));
    }
    if (doc.problems().size() > before) {
      return null;
    }
    return new Policies(channels, minGap, caps, topics);
  }

  private List<Topic> topics(Node n) {
    SequenceNode seq = doc.sequence(n, "topics");
    if (seq == null) {
      return List.of();
    }
    List<Topic> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      MappingNode m = doc.mapping(item, "topics");
      if (m == null) {
        continue;
      }
      Fields f = Fields.of(doc, m, "topic", List.of("id", "name", "description", "channels"));
      Node idNode = f.require("id");
      String given = idNode == null ? null : doc.text(idNode, "id");
      String id = given != null && TOPIC.matcher(given).matches() ? given : null;
      if (given != null && id == null) {
        doc.problem(
            idNode,
            "topic id '"
                + given
                + "' must be 1-64 lower-case letters, digits, '-', '_' or '.', starting with a"
                + " letter or digit");
      }
      if (id != null && out.stream().anyMatch(t -> t.id().equals(id))) {
        doc.problem(idNode, "duplicate topic '" + id + "'");
        continue;
      }
      String name = f.has("name") ? doc.text(f.get("name"), "name") : id;
      String description =
          f.has("description") ? doc.text(f.get("description"), "description") : null;
      List<String> channels = Topic.DEFAULT_CHANNELS;
      if (f.has("channels")) {
        SequenceNode cs = doc.sequence(f.get("channels"), "channels");
        List<String> named = new ArrayList<>();
        if (cs != null) {
          for (Node c : cs.getValue()) {
            String ch = channelName(c);
            if (ch != null && !named.contains(ch)) {
              named.add(ch);
            }
          }
          if (cs.getValue().isEmpty()) {
            doc.problem(cs, "a topic's 'channels' must name at least one channel");
          }
        }
        channels = named;
      }
      if (id != null && name != null) {
        out.add(new Topic(id, name, description, channels));
      }
    }
    return out;
  }

  /** A quiet-hours value: a window, explicitly none, or not given. */
  private record QuietSetting(QuietHours value, boolean set) {
    static final QuietSetting NOT_SET = new QuietSetting(null, false);
  }

  private QuietSetting quietHours(Node n) {
    if (n instanceof ScalarNode s && "none".equals(s.getValue())) {
      return new QuietSetting(null, true);
    }
    MappingNode m = doc.mapping(n, "quiet_hours");
    if (m == null) {
      return new QuietSetting(null, true);
    }
    Fields f = Fields.of(doc, m, "quiet_hours", List.of("from", "to"));
    LocalTime from = time(f.require("from"), "from");
    LocalTime to = time(f.require("to"), "to");
    if (from == null || to == null) {
      return new QuietSetting(null, true);
    }
    if (from.equals(to)) {
      doc.problem(m, "quiet_hours 'from' and 'to' are both " + from + "; give a window");
      return new QuietSetting(null, true);
    }
    return new QuietSetting(new QuietHours(from, to), true);
  }

  private LocalTime time(Node n, String what) {
    if (n == null) {
      return null;
    }
    String t = doc.text(n, what);
    if (t == null) {
      return null;
    }
    if (!HH_MM.matcher(t).matches()) {
      doc.problem(n, "'" + what + "' must be a local time HH:MM (00:00 to 23:59), not '" + t + "'");
      return null;
    }
    try {
      return LocalTime.parse(t);
    } catch (DateTimeParseException e) {
      doc.problem(n, "'" + what + "': " + e.getMessage());
      return null;
    }
  }

  private List<Cap> caps(Node n) {
    SequenceNode seq = doc.sequence(n, "caps");
    if (seq == null) {
      return List.of();
    }
    List<Cap> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      MappingNode m = doc.mapping(item, "caps");
      if (m == null) {
        continue;
      }
      Fields f = Fields.of(doc, m, "cap", List.of("max", "per", "channel"));
      Node maxNode = f.require("max");
      Node perNode = f.require("per");
      Number max = maxNode == null ? null : doc.number(maxNode, "max");
      if (max != null
          && (!(max instanceof Long) || max.longValue() < 1 || max.longValue() > 1000)) {
        doc.problem(maxNode, "'max' must be a whole number from 1 to 1000, not " + max);
        max = null;
      }
      Span per = perNode == null ? null : doc.span(perNode, "per", true);
      String channel = f.has("channel") ? channelName(f.get("channel")) : null;
      if (max != null && per != null && (channel != null || !f.has("channel"))) {
        out.add(new Cap(max.intValue(), per, channel));
      }
    }
    return out;
  }

  private Map<String, MappingNode> channelNodes(Node n) {
    MappingNode m = doc.mapping(n, "channels");
    if (m == null) {
      return Map.of();
    }
    Map<String, MappingNode> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      String name = channelName(t.getKeyNode());
      if (name == null) {
        continue;
      }
      if (out.containsKey(name)) {
        doc.problem(t.getKeyNode(), "duplicate channel '" + name + "' in channels");
        continue;
      }
      MappingNode settings = doc.mapping(t.getValueNode(), name);
      if (settings != null) {
        out.put(name, settings);
      }
    }
    return out;
  }

  private String channelName(Node n) {
    String name = doc.text(n, "channel");
    if ("inapp".equals(name)) {
      name = "inbox"; // the inbox's first name, still read
    }
    if (name != null && !CHANNELS.contains(name)) {
      doc.problem(
          n, "unknown channel '" + name + "'; expected one of " + String.join(", ", CHANNELS));
      return null;
    }
    return name;
  }

  private ChannelPolicy channel(String name, MappingNode node, QuietSetting workspaceQuiet) {
    QuietHours quiet = workspaceQuiet.value();
    Span gap = null;
    boolean optIn = false;
    String address = MessagePolicy.DEFAULT_ADDRESSES.get(name);
    if (node != null) {
      Fields f = Fields.of(doc, node, "channel " + name, CHANNEL_KEYS);
      if (f.has("quiet_hours")) {
        quiet = quietHours(f.get("quiet_hours")).value();
      }
      if (f.has("min_gap")) {
        gap = doc.span(f.get("min_gap"), "min_gap", true);
      }
      if (f.has("consent")) {
        String c = doc.text(f.get("consent"), "consent");
        if ("opt_in".equals(c)) {
          optIn = true;
        } else if (c != null && !c.equals("opt_out")) {
          doc.problem(f.get("consent"), "unknown consent '" + c + "'; expected opt_out or opt_in");
        }
      }
      if (f.has("address")) {
        String a = doc.text(f.get("address"), "address");
        if ("none".equals(a)) {
          address = null;
        } else if (a != null && !TRAIT.matcher(a).matches()) {
          doc.problem(f.get("address"), "'address' must name a trait (like phone) or be none");
        } else {
          address = a;
        }
      }
    }
    return new ChannelPolicy(quiet, gap, optIn, address);
  }
}
