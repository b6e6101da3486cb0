package io.kairos.engine;

import io.kairos.geo.Presence;
import io.kairos.policy.Consent;
import io.kairos.policy.SendLog;
import io.kairos.profile.Profile;
import io.kairos.recommend.Shopper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * A profile together with its journey state: instances in flight, entry history per journey, the
 * armed inactivity timers and the conversion windows still open. This is the unit a runtime stores
 * and a partition owns.
 */
public final class ProfileState {
  private static final Instance[] NONE = new Instance[0];

  private final Profile profile;
  Instance[] instances = NONE;
  int instanceCount;
  int nextSeq = 1;

  /** Per journey slot: epoch millis of the last entry; Long.MIN_VALUE when never. */
  long[] lastEntry;

  /** Per journey slot: due time of the armed inactivity timer; 0 when not armed. */
  long[] inactivityDue;

  /** Finished instances whose conversion window is still open. */
  List<Instance> watching;

  /** Scores, lifecycle stage and open lead; null until one of them changes. */
  LeadState leads;

  /** The geofences the profile is inside; null until its first located event. */
  Presence presence;

  /** Recent product views, cart and purchases; null until its first product event. */
  Shopper shopper;

  /**
   * Per slot of a date or schedule journey, two longs: at {@code 2*slot} the due time of its armed
   * timer (0 when none), at {@code 2*slot+1} the epoch day of the last occurrence that fired
   * (Long.MIN_VALUE when none). Null until the profile has such a journey armed.
   */
  long[] dates;

  /**
   * Which date and schedule journeys the profile's timers were armed for ({@link
   * JourneySet#datesSignature}); 0 when never, {@link #MERGED} once merged into another profile.
   */
  int datesArmedFor;

  /** {@link #datesArmedFor} of a profile merged into another: its date timers stay disarmed. */
  static final int MERGED = -1;

  /** What the profile said about marketing, and its failed addresses; null until it says any. */
  Consent consent;

  /** Recent marketing sends, for caps and gaps; null until one is kept. */
  SendLog sendLog;

  /**
   * Messages the policies hold back, in the order they were deferred, after those still {@link
   * #deferredHeld}; null when none. The engine reads them through {@link #deferred()}.
   */
  List<PendingMessage> deferred;

  /**
   * The oldest {@link #deferredHeldCount} deferred messages as {@link StateCodec} wrote them, not
   * yet decoded; null when none. A profile that keeps deferring collects many messages, each with
   * its event, and the engine reads them only when one is due: holding them as bytes keeps a state
   * that is decoded, changed and encoded at every batch small in the heap and cheap to encode.
   */
  byte[] deferredHeld;

  int deferredHeldCount;

  /**
   * Ids of the segments the profile is in; null until its segments are first evaluated, then {@link
   * Membership#NOT_IN_ANY} or a set of its own. Kept current by the engine.
   */
  Set<String> segments;

  /** Due time of the profile's live segment timer; 0 when none is armed. */
  long segmentsDue;

  /**
   * Per time-aware segment (in {@code SegmentSet#timeAwareOrdinal} order), the next moment its
   * answer can change with time alone; null until one can.
   */
  long[] segmentNext;

  public ProfileState(Profile profile) {
    this.profile = profile;
  }

  public Profile profile() {
    return profile;
  }

  /** Whether the profile is in the segment {@code id} now. */
  public boolean inSegment(String id) {
    return segments != null && segments.contains(id);
  }

  /** The segments the profile is in, in the order it entered them. */
  public Set<String> segments() {
    return segments == null ? Set.of() : Collections.unmodifiableSet(segments);
  }

  /** The profile's consent and suppressions, or null when it has never said anything. */
  public Consent consent() {
    return consent;
  }

  /** The recent marketing sends the policies count, or null when none are kept. */
  public SendLog sendLog() {
    return sendLog;
  }

  /** The messages the policies hold back. */
  public List<PendingMessage> deferredMessages() {
    List<PendingMessage> all = deferred();
    return all == null ? List.of() : Collections.unmodifiableList(all);
  }

  /** How many messages the policies hold back, without decoding them. */
  public int deferredCount() {
    return deferredHeldCount + (deferred == null ? 0 : deferred.size());
  }

  /** The deferred messages, all decoded, for reading and changing; null when none. */
  List<PendingMessage> deferred() {
    if (deferredHeld != null) {
      deferred = StateCodec.readHeld(deferredHeld, deferredHeldCount, deferred);
      deferredHeld = null;
      deferredHeldCount = 0;
    }
    return deferred;
  }

  /** Holds {@code p} back after the others, without decoding those still held as bytes. */
  void defer(PendingMessage p) {
    if (deferred == null) {
      deferred = new ArrayList<>(2);
    }
    deferred.add(p);
  }

  /** How many journey instances are in flight. */
  public int activeInstances() {
    return instanceCount;
  }

  /**
   * One journey instance in flight, as readers outside the engine (the server's profiles API) see
   * it.
   *
   * @param instance the instance number, unique within the profile
   * @param step the id of the step it is at
   * @param enteredAt epoch millis
   * @param state {@code WAITING} or {@code WAITING_FOR_EVENT} between inputs
   * @param until when its wait (or wait_for timeout) ends, epoch millis; 0 when none
   */
  public record InFlight(
      String journey,
      String version,
      int instance,
      String step,
      long enteredAt,
      InstanceState state,
      long until) {}

  /** The journey instances in flight, in the order they entered. */
  public List<InFlight> inFlight() {
    List<InFlight> out = new java.util.ArrayList<>(instanceCount);
    for (int i = 0; i < instanceCount; i++) {
      Instance in = instances[i];
      out.add(
          new InFlight(
              in.journey.id(),
              in.journey.version(),
              in.seq,
              in.stepId(),
              in.enteredAt,
              in.state(),
              in.timerDue));
    }
    return out;
  }

  void add(Instance instance) {
    if (instanceCount == instances.length) {
      instances = Arrays.copyOf(instances, Math.max(2, instanceCount * 2));
    }
    instances[instanceCount++] = instance;
  }

  void remove(Instance instance) {
    for (int i = 0; i < instanceCount; i++) {
      if (instances[i] == instance) {
        System.arraycopy(instances, i + 1, instances, i, instanceCount - i - 1);
        instances[--instanceCount] = null;
        if (instanceCount == 0) {
          instances = NONE;
        }
        return;
      }
    }
  }

  Instance find(int seq) {
    for (int i = 0; i < instanceCount; i++) {
      if (instances[i].seq == seq) {
        return instances[i];
      }
    }
    return null;
  }

  long lastEntry(int slot) {
    return lastEntry == null || slot >= lastEntry.length ? Long.MIN_VALUE : lastEntry[slot];
  }

  void setLastEntry(int slot, long time) {
    if (lastEntry == null || slot >= lastEntry.length) {
      int old = lastEntry == null ? 0 : lastEntry.length;
      lastEntry = lastEntry == null ? new long[slot + 1] : Arrays.copyOf(lastEntry, slot + 1);
      Arrays.fill(lastEntry, old, lastEntry.length, Long.MIN_VALUE);
    }
    lastEntry[slot] = time;
  }

  long inactivityDue(int slot) {
    return inactivityDue == null || slot >= inactivityDue.length ? 0 : inactivityDue[slot];
  }

  void setInactivityDue(int slot, long due) {
    if (inactivityDue == null || slot >= inactivityDue.length) {
      inactivityDue =
          inactivityDue == null ? new long[slot + 1] : Arrays.copyOf(inactivityDue, slot + 1);
    }
    inactivityDue[slot] = due;
  }

  int countActive(int slot) {
    int n = 0;
    for (int i = 0; i < instanceCount; i++) {
      if (instances[i].slot == slot) {
        n++;
      }
    }
    return n;
  }

  /** The geofences the profile is inside now, in the order it entered them. */
  public List<String> fences() {
    return presence == null ? List.of() : presence.ids();
  }

  /** The profile's shopping (views, cart, purchases), or null when it has none. */
  public Shopper shopper() {
    return shopper;
  }

  long dateDue(int slot) {
    return dates == null || 2 * slot >= dates.length ? 0 : dates[2 * slot];
  }

  long dateFired(int slot) {
    return dates == null || 2 * slot >= dates.length ? Long.MIN_VALUE : dates[2 * slot + 1];
  }

  void setDateDue(int slot, long due) {
    growDates(slot);
    dates[2 * slot] = due;
  }

  void setDateFired(int slot, long epochDay) {
    growDates(slot);
    dates[2 * slot + 1] = epochDay;
  }

  private void growDates(int slot) {
    if (dates == null || 2 * slot >= dates.length) {
      int old = dates == null ? 0 : dates.length;
      dates = dates == null ? new long[2 * slot + 2] : Arrays.copyOf(dates, 2 * slot + 2);
      for (int i = old + 1; i < dates.length; i += 2) {
        dates[i] = Long.MIN_VALUE;
      }
    }
  }
}
