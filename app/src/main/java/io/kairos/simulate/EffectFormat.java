package io.kairos.simulate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.kairos.engine.Effect;
import io.kairos.journey.Category;
import io.kairos.simulation.Summary;
import io.kairos.time.Timestamps;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/** How the simulator prints effects: one line per effect. */
enum EffectFormat {
  /** Aligned columns for people: time, journey, profile, step, effect, and the reason. */
  TABLE {
    @Override
    void header(Writer w) throws IOException {
      w.write(
          pad("time", 21)
              + pad("journey", 24)
              + pad("profile", 16)
              + pad("step", 24)
              + pad("effect", 34)
              + "reason\n");
    }

    @Override
    void write(Effect e, Writer w, Scratch clock) throws IOException {
      w.write(pad(clock.format(e.time()), 21));
      w.write(pad(e.journey(), 24));
      w.write(pad(e.profile(), 16));
      w.write(pad(e.step(), 24));
      w.write(pad(e.summary(), 34));
      w.write(e.reason());
      w.write('\n');
    }
  },

  /** {@code journey,profile,time,step,effect}, no header, time as ISO-8601 UTC seconds. */
  CSV {
    @Override
    void write(Effect e, Writer w, Scratch clock) throws IOException {
      // One write per line into a reused buffer: the writer's per-call locking and checks cost
      // more than the formatting when millions of lines go out.
      StringBuilder b = clock.line;
      b.setLength(0);
      csv(b, e.journey());
      b.append(',');
      csv(b, e.profile());
      b.append(',').append(clock.format(e.time())).append(',');
      csv(b, e.step());
      b.append(',');
      csv(b, e.summary());
      b.append('\n');
      int n = b.length();
      if (clock.chars.length < n) {
        clock.chars = new char[Math.max(n, clock.chars.length * 2)];
      }
      b.getChars(0, n, clock.chars, 0);
      w.write(clock.chars, 0, n);
    }
  },

  /** One JSON object per effect with every field, for machines. */
  JSONL {
    @Override
    void write(Effect e, Writer w, Scratch clock) throws IOException {
      try (JsonGenerator g = JSON.createGenerator(w)) {
        g.writeStartObject();
        g.writeStringField("time", Timestamps.format(e.time()));
        g.writeStringField("journey", e.journey());
        g.writeStringField("profile", e.profile());
        g.writeStringField("step", e.step());
        g.writeStringField("kind", Summary.kind(e));
        g.writeStringField("effect", e.summary());
        g.writeStringField("reason", e.reason());
        details(e, g);
        g.writeEndObject();
      }
      w.write('\n');
    }
  };

  // The writer is shared by every line: generators must neither close nor flush it.
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
          .build();

  void header(Writer w) throws IOException {}

  abstract void write(Effect e, Writer w, Scratch clock) throws IOException;

  static EffectFormat parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--format: unknown '" + name + "' (expected table, jsonl or csv)");
    }
  }

  /** Formats times at second resolution, caching the last second: effects come in bursts. */
  static final class Scratch {
    final StringBuilder line = new StringBuilder(128);
    char[] chars = new char[256];
    private long second = Long.MIN_VALUE;
    private String text;

    String format(long millis) {
      long s = Math.floorDiv(millis, 1000L);
      if (s != second) {
        second = s;
        text = Timestamps.formatSeconds(millis);
      }
      return text;
    }
  }

  private static void details(Effect e, JsonGenerator g) throws IOException {
    if (e instanceof Effect.Entered x) {
      g.writeNumberField("instance", x.instance());
      g.writeStringField("version", x.version());
    } else if (e instanceof Effect.Waiting x) {
      g.writeNumberField("instance", x.instance());
      g.writeStringField("until", Timestamps.format(x.until()));
    } else if (e instanceof Effect.Resumed x) {
      g.writeNumberField("instance", x.instance());
      g.writeBooleanField("timedOut", x.timedOut());
    } else if (e instanceof Effect.BranchTaken x) {
      g.writeNumberField("instance", x.instance());
      g.writeStringField("target", x.target());
    } else if (e instanceof Effect.SplitAssigned x) {
      g.writeNumberField("instance", x.instance());
      g.writeStringField("arm", x.arm());
      g.writeBooleanField("holdout", x.holdout());
    } else if (e instanceof Effect.Send x) {
      message(
          g,
          x.instance(),
          x.version(),
          x.messageId(),
          x.channel(),
          x.template(),
          x.category(),
          x.topic());
      if (!x.data().isEmpty()) {
        g.writeFieldName("data");
        g.writeRawValue(io.kairos.event.Json.write(x.data()));
      }
    } else if (e instanceof Effect.ProfileUpdated x) {
      g.writeNumberField("instance", x.instance());
      g.writeFieldName("changes");
      g.writeRawValue(io.kairos.event.Json.write(x.changes()));
    } else if (e instanceof Effect.Emitted x) {
      g.writeNumberField("instance", x.instance());
      g.writeStringField("event", x.event().name());
      g.writeFieldName("properties");
      g.writeRawValue(x.event().properties().toJson());
    } else if (e instanceof Effect.WebhookCall x) {
      g.writeNumberField("instance", x.instance());
      g.writeStringField("id", x.id());
      g.writeStringField("method", x.method());
      g.writeStringField("url", x.url());
      g.writeFieldName("body");
      g.writeRawValue(io.kairos.event.Json.write(x.body()));
    } else if (e instanceof Effect.Converted x) {
      g.writeNumberField("instance", x.instance());
      if (x.value() != null) {
        g.writeNumberField("value", x.value());
      }
      g.writeBooleanField("holdout", x.holdout());
    } else if (e instanceof Effect.Exited x) {
      g.writeNumberField("instance", x.instance());
      g.writeStringField("cause", x.cause());
    } else if (e instanceof Effect.Completed x) {
      g.writeNumberField("instance", x.instance());
    } else if (e instanceof Effect.LocationChanged x) {
      g.writeStringField("fence", x.fence());
      g.writeBooleanField("entered", x.entered());
      g.writeNumberField("latitude", x.latitude());
      g.writeNumberField("longitude", x.longitude());
    } else if (e instanceof Effect.Scheduled x) {
      if (x.due() != 0) {
        g.writeStringField("due", Timestamps.format(x.due()));
      }
    } else if (e instanceof Effect.ScoreChanged x) {
      g.writeStringField("score", x.score());
      g.writeStringField("change", x.change());
      g.writeNumberField("points", x.points());
      g.writeNumberField("value", x.value());
    } else if (e instanceof Effect.StageChanged x) {
      g.writeStringField("from", x.from());
      g.writeStringField("to", x.to());
    } else if (e instanceof Effect.OwnerAssigned x) {
      g.writeNumberField("instance", x.instance());
      g.writeStringField("pool", x.pool());
      g.writeStringField("owner", x.owner());
    } else if (e instanceof Effect.OwnerReleased x) {
      g.writeStringField("pool", x.pool());
      g.writeStringField("owner", x.owner());
    } else if (e instanceof Effect.Deferred x) {
      message(
          g,
          x.instance(),
          x.version(),
          x.messageId(),
          x.channel(),
          x.template(),
          x.category(),
          x.topic());
      g.writeStringField("until", Timestamps.format(x.until()));
    } else if (e instanceof Effect.Skipped x) {
      message(
          g,
          x.instance(),
          x.version(),
          x.messageId(),
          x.channel(),
          x.template(),
          x.category(),
          x.topic());
      g.writeStringField("cause", x.cause());
    } else if (e instanceof Effect.SegmentEntered x) {
      g.writeStringField("segment", x.segment());
    } else if (e instanceof Effect.SegmentExited x) {
      g.writeStringField("segment", x.segment());
    }
  }

  /** The fields every message effect (send, deferral, skip) shares. */
  private static void message(
      JsonGenerator g,
      int instance,
      String version,
      String messageId,
      String channel,
      String template,
      Category category,
      String topic)
      throws IOException {
    g.writeNumberField("instance", instance);
    g.writeStringField("version", version);
    g.writeStringField("messageId", messageId);
    g.writeStringField("channel", channel);
    g.writeStringField("template", template);
    g.writeStringField("category", category.word());
    if (topic != null) {
      g.writeStringField("topic", topic);
    }
  }

  private static void csv(StringBuilder b, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ',' || c == '"' || c == '\n' || c == '\r') {
        b.append('"').append(s.replace("\"", "\"\"")).append('"');
        return;
      }
    }
    b.append(s);
  }

  private static String pad(String s, int width) {
    if (s == null) {
      s = "";
    }
    if (s.length() >= width - 1) {
      return s + " ";
    }
    return s + " ".repeat(width - s.length());
  }
}
