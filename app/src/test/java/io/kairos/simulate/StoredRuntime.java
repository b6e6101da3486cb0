package io.kairos.simulate;

import io.kairos.engine.Effect;
import io.kairos.engine.Effects;
import io.kairos.engine.Engine;
import io.kairos.engine.ProfileState;
import io.kairos.engine.StateCodec;
import io.kairos.engine.Timer;
import io.kairos.event.Event;
import io.kairos.event.EventType;
import io.kairos.profile.Profile;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The simulator's rules (clock, timer order, identity and merges, see {@link
 * io.kairos.simulation.Simulator}) over profiles kept the way the embedded server keeps them: each
 * profile is a row of bytes, decoded before every input that touches it and encoded after, the
 * object dropped in between. Timers are kept outside the state, as a runtime keeps them, each with
 * the row it belongs to.
 *
 * <p>{@link Keep#OBJECTS} keeps the objects themselves, which checks this class against the
 * simulator before the codec is checked against both. {@link Keep#ENCODED_AND_OBJECTS} encodes each
 * state after every input, as the server's commit does, and goes on with the same object, as its
 * profile cache does: encoding may change how a state holds what it holds, never what it holds.
 */
final class StoredRuntime {

  /** How a profile is kept between its inputs. */
  enum Keep {
    OBJECTS,
    BYTES,
    ENCODED_AND_OBJECTS
  }

  /** One profile as stored: bytes, the object, or both. */
  private static final class Row {
    byte[] bytes;
    ProfileState object;
  }

  private record Queued(long due, long order, Timer timer, Row row) {}

  private final Engine engine;
  private final StateCodec.Journeys journeys;
  private final Keep keep;
  private final Effects out;
  private final PriorityQueue<Queued> timers =
      new PriorityQueue<>(
          (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.order, b.order));
  private final Map<String, Row> profiles = new HashMap<>();
  private final Map<String, Row> aliases = new HashMap<>();
  private final Sink sink = new Sink();
  private long clock = Long.MIN_VALUE;
  private long order;

  /** States encoded, and their total and largest size in bytes. */
  long encoded;

  long encodedBytes;
  int largest;

  StoredRuntime(Engine engine, Keep keep, Effects out) {
    this.engine = engine;
    this.journeys = StateCodec.Journeys.of(engine);
    this.keep = keep;
    this.out = out;
  }

  private ProfileState load(Row row) {
    return keep == Keep.BYTES ? StateCodec.decode(row.bytes, journeys) : row.object;
  }

  private void store(Row row, ProfileState state) {
    if (keep != Keep.OBJECTS) {
      row.bytes = StateCodec.encode(state, journeys);
      encoded++;
      encodedBytes += row.bytes.length;
      largest = Math.max(largest, row.bytes.length);
    }
    if (keep != Keep.BYTES) {
      row.object = state;
    }
  }

  void accept(Event e) {
    start(e.timestamp());
    long now = e.timestamp();
    if (now < clock) {
      now = clock;
    } else {
      fireUntil(now);
      clock = now;
    }
    Row row = resolve(e);
    ProfileState state = load(row);
    // Merges of this input have been stored already; this input's own state is stored after it.
    state = linkAll(e, row, state);
    sink.owner = row;
    engine.onEvent(state, e, now, sink);
    store(row, state);
  }

  void finish(long end) {
    start(end);
    fireUntil(end);
    if (end > clock) {
      clock = end;
    }
  }

  private void start(long time) {
    if (clock == Long.MIN_VALUE) {
      clock = time;
    }
  }

  private void fireUntil(long t) {
    while (!timers.isEmpty() && timers.peek().due <= t) {
      Queued q = timers.poll();
      if (q.due > clock) {
        clock = q.due;
      }
      ProfileState state = load(q.row);
      sink.owner = q.row;
      engine.onTimer(state, q.timer, clock, sink);
      store(q.row, state);
    }
  }

  /** The row an event goes to; a new profile gets a new row (stored before its first input). */
  private Row resolve(Event e) {
    if (e.userId() != null) {
      return profile(e.userId());
    }
    Row row = aliases.get(e.anonymousId());
    return row != null ? row : profile(e.anonymousId());
  }

  private Row profile(String id) {
    Row row = profiles.get(id);
    if (row == null) {
      row = new Row();
      store(row, new ProfileState(new Profile(id)));
      profiles.put(id, row);
    }
    return row;
  }

  private ProfileState linkAll(Event e, Row row, ProfileState state) {
    if (e.userId() != null) {
      if (e.anonymousId() != null) {
        link(e.anonymousId(), row, state, e.timestamp());
      }
      if (e.type() == EventType.ALIAS && e.previousId() != null) {
        link(e.previousId(), row, state, e.timestamp());
      }
    }
    return state;
  }

  private void link(String otherId, Row row, ProfileState state, long time) {
    if (otherId.equals(state.profile().id())) {
      return;
    }
    Row otherRow = profiles.get(otherId);
    boolean anonymous = false;
    if (otherRow != null && otherRow != row) {
      ProfileState other = load(otherRow);
      anonymous = other.profile().userId() == null;
      if (anonymous) {
        profiles.remove(otherId);
        sink.owner = row;
        engine.merge(state, other, Math.max(time, clock), sink);
        // The emptied visitor stays a row: its old timers still fire on it, and find nothing.
        store(otherRow, other);
      }
    }
    if (otherRow == null || anonymous || otherRow == row && state.profile().userId() == null) {
      aliases.put(otherId, row);
    }
  }

  private final class Sink implements Effects {
    Row owner;

    @Override
    public void emit(Effect effect) {
      out.emit(effect);
    }

    @Override
    public void schedule(Timer timer) {
      timers.add(new Queued(timer.due(), order++, timer, owner));
    }
  }
}
