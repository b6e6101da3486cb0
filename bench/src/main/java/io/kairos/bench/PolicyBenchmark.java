package io.kairos.bench;

import io.kairos.definition.DefinitionLoader;
import io.kairos.journey.Category;
import io.kairos.journey.JourneyLoadException;
import io.kairos.policy.Consent;
import io.kairos.policy.Decision;
import io.kairos.policy.Message;
import io.kairos.policy.MessagePolicy;
import io.kairos.policy.Policies;
import io.kairos.policy.SendLog;
import io.kairos.profile.Profile;
import io.kairos.time.Timestamps;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Message policy decisions ({@link MessagePolicy#decide}) for one profile with a realistic month of
 * history: 12 marketing sends over 30 days on email, SMS and push, consent on three scopes,
 * Europe/Berlin; the workspace has quiet hours, a 24h gap, a per-SMS gap and three caps (3 per 7d
 * across channels, 1 per day on SMS, 10 per 30d). One ops/s is one decision/s on one thread.
 *
 * <p>{@code deferred}: the common hard case, a marketing email the gap, caps and quiet hours hold
 * (several fixpoint rounds). {@code sendNow}: a push nothing holds. {@code transactional}: the
 * bypass. The clock walks through 96 moments of a week so quiet hours and caps vary.
 *
 * <pre>
 * mvn -q -pl bench -am package -DskipTests
 * java -jar bench/target/kairos-bench.jar PolicyBenchmark -f 1 -wi 3 -i 5 -w 2s -r 3s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyBenchmark {

  private MessagePolicy policy;
  private MessagePolicy.Recipient recipient;
  private SendLog history;
  private Message email;
  private Message push;
  private Message receipt;
  private final long[] moments = new long[96];
  private int i;

  @Setup
  public void setup() throws JourneyLoadException {
    Policies p =
        new DefinitionLoader()
            .load(
                List.of(
                    new DefinitionLoader.Source(
                        "policies.yaml",
                        """
                        policies:
                          quiet_hours: { from: "21:00", to: "08:00" }
                          min_gap: 24h
                          caps:
                            - { max: 3, per: 7d }
                            - { max: 1, per: 1d, channel: sms }
                            - { max: 10, per: 30d }
                          channels:
                            sms: { quiet_hours: { from: "20:00", to: "09:00" }, min_gap: 3d }
                            push: { quiet_hours: none }
                        """)))
            .policies();
    policy = new MessagePolicy(p);
    Profile profile = new Profile("u1");
    profile.setTrait("email", "u1@example.com");
    profile.setTrait("phone", "+491511234567");
    profile.setTrait("push_token", "fcm:u1");
    Consent consent = new Consent();
    long start = Timestamps.parse("2026-03-01T09:00:00Z");
    consent.set("email", "partners", false, start, "Unsubscribed");
    consent.set("sms", null, true, start, "Subscribed");
    consent.set(null, "newsletter", true, start, "Subscribed");
    recipient = new MessagePolicy.Recipient(profile, consent, ZoneId.of("Europe/Berlin"));
    history = new SendLog();
    String[] channels = {"email", "sms", "push"};
    for (int k = 0; k < 12; k++) {
      history.add(start + k * 2L * 86_400_000L + k * 3_600_000L, channels[k % 3]);
    }
    long now = start + 26L * 86_400_000L;
    for (int k = 0; k < moments.length; k++) {
      moments[k] = now + k * 105L * 60_000L;
    }
    email = new Message("m1", "email", Category.MARKETING, "deals", now, Long.MAX_VALUE, null);
    push = new Message("m2", "push", Category.LIFECYCLE, null, now, Long.MAX_VALUE, null);
    receipt = new Message("m3", "email", Category.TRANSACTIONAL, null, now, Long.MAX_VALUE, null);
  }

  private long next() {
    i = (i + 1) % moments.length;
    return moments[i];
  }

  @Benchmark
  public Decision deferred() {
    return policy.decide(email, recipient, history, next());
  }

  @Benchmark
  public Decision sendNow() {
    return policy.decide(push, recipient, null, next());
  }

  @Benchmark
  public Decision transactional() {
    return policy.decide(receipt, recipient, history, next());
  }
}
