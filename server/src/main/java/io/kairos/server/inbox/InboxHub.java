package io.kairos.server.inbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change sequence of the inboxes and their open streams.
 *
 * <p>Every change to a message (its arrival, read, unread, archived) takes the next number of one
 * increasing sequence and is written with it; the number is the id of the stream event that tells
 * of it. The changes of one profile are made one at a time, under that profile's lock, and told to
 * its streams under the same lock after they committed: a profile's streams see its changes in the
 * order of their numbers, and a stream that reconnects with the last id it saw ({@code
 * Last-Event-ID}) is sent, under the lock, every message changed after it and then what follows
 * live, nothing missed and nothing twice.
 *
 * <p>Each stream has its own queue, written by a sender thread, so a slow client delays only its
 * own events; one that falls {@value #QUEUE_LIMIT} events behind is closed (it reconnects and
 * resumes). Idle streams get a comment every heartbeat, which also finds clients that went away.
 */
final class InboxHub {
  private static final Logger log = LoggerFactory.getLogger(InboxHub.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Changes sent to a reconnecting stream at most; more, and it is told to reload the list. */
  static final int BACKLOG_LIMIT = 500;

  /** Events a stream may fall behind before it is closed. */
  static final int QUEUE_LIMIT = 1000;

  private static final int STRIPES = 256;

  /** Whose changes a stream follows: a profile of a workspace. */
  record Key(String workspace, String profile) {}

  /** One event: its id (the change's number), its name and its JSON data; a comment has no id. */
  record Event(String id, String name, String data) {
    static Event comment(String text) {
      return new Event(null, null, text);
    }
  }

  private final InboxStore store;
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
  private final AtomicLong seq;
  private final Map<Key, Set<Stream>> streams = new ConcurrentHashMap<>();
  private final ExecutorService senders;
  private final ScheduledExecutorService heartbeats;
  private volatile boolean closed;

  /**
   * @param firstSeq the sequence starts after this
   * @param heartbeat how often an idle stream gets a comment
   */
  InboxHub(InboxStore store, long firstSeq, Duration heartbeat) {
    this.store = store;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
    this.seq = new AtomicLong(firstSeq);
    this.senders = Executors.newCachedThreadPool(daemon("kairos-inbox-stream"));
    this.heartbeats = Executors.newSingleThreadScheduledExecutor(daemon("kairos-inbox-heartbeat"));
    long period = Math.max(1, heartbeat.toMillis());
    heartbeats.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Runs {@code work} as the only change to the profile's inbox at this moment. */
  <T> T locked(Key key, Supplier<T> work) {
    ReentrantLock lock = stripes[Math.floorMod(key.hashCode(), STRIPES)];
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  /** The next change's number; call under the profile's lock. */
  long nextSeq() {
    return seq.incrementAndGet();
  }

  /**
   * Tells the profile's streams of committed changes; call under the profile's lock, after the
   * commit.
   *
   * @param name {@code message} for arrivals, {@code update} for the others
   */
  void publish(Key key, List<InboxMessage> changed, String name) {
    Set<Stream> open = streams.get(key);
    if (open == null || open.isEmpty() || changed.isEmpty()) {
      return;
    }
    int unread;
    try {
      unread = store.unreadCount(open.iterator().next().owner);
    } catch (RuntimeException e) {
      // Committed already: the streams still hear of it, with the count left out.
      log.warn("inbox: counting unread messages failed: {}", e.toString());
      unread = -1;
    }
    for (InboxMessage m : changed) {
      Event e = event(name, m, unread);
      for (Stream s : open) {
        s.offer(e);
      }
    }
  }

  /**
   * Opens a stream on {@code client} for the owner's inbox: sends what changed after {@code after}
   * (null: nothing, only what happens from now on), then every change live.
   */
  void open(SseClient client, InboxStore.Owner owner, Long after) {
    Key key = new Key(owner.workspace(), owner.profile());
    Stream s = new Stream(client, key, owner);
    client.onClose(() -> remove(s));
    locked(
        key,
        () -> {
          if (closed) {
            client.close();
            return null;
          }
          streams.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(s);
          s.offer(Event.comment("connected"));
          if (after != null) {
            List<InboxMessage> changed = store.changedAfter(owner, after, BACKLOG_LIMIT + 1);
            if (changed.size() > BACKLOG_LIMIT) {
              Map<String, Object> reset = new LinkedHashMap<>();
              reset.put(
                  "reason",
                  "more than " + BACKLOG_LIMIT + " changes since the last event: reload the list");
              s.offer(new Event(Long.toString(seq.get()), "reset", json(reset)));
            } else if (!changed.isEmpty()) {
              int unread = store.unreadCount(owner);
              for (InboxMessage m : changed) {
                s.offer(event(m.firstSeq() > after ? "message" : "update", m, unread));
              }
            }
          }
          return null;
        });
  }

  /** Streams open now (for tests and logs). */
  int open() {
    int n = 0;
    for (Set<Stream> set : streams.values()) {
      n += set.size();
    }
    return n;
  }

  /** Closes every stream and refuses new ones: a stopping server must not wait for them. */
  void close() {
    closed = true;
    heartbeats.shutdownNow();
    int n = 0;
    for (Set<Stream> set : streams.values()) {
      for (Stream s : set) {
        s.close();
        n++;
      }
    }
    senders.shutdown();
    if (n > 0) {
      log.info("inbox: closed {} open streams", n);
    }
  }

  private void remove(Stream s) {
    Set<Stream> set = streams.get(s.key);
    if (set != null) {
      set.remove(s);
    }
  }

  private void beat() {
    for (Set<Stream> set : streams.values()) {
      for (Stream s : set) {
        s.offer(Event.comment("heartbeat"));
      }
    }
  }

  private static Event event(String name, InboxMessage m, int unread) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("message", m.view());
    if (unread >= 0) {
      data.put("unread_count", unread);
    }
    return new Event(Long.toString(m.seq()), name, json(data));
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One open stream: its events wait in a queue that one sender at a time writes out. */
  private final class Stream {
    final SseClient client;
    final Key key;
    final InboxStore.Owner owner;
    private final ArrayDeque<Event> queue = new ArrayDeque<>();
    private boolean draining;
    private boolean done;

    Stream(SseClient client, Key key, InboxStore.Owner owner) {
      this.client = client;
      this.key = key;
      this.owner = owner;
    }

    void offer(Event e) {
      synchronized (this) {
        if (done) {
          return;
        }
        if (queue.size() >= QUEUE_LIMIT) {
          log.info("inbox: a stream of {} fell {} events behind; closed", key, QUEUE_LIMIT);
          done = true;
          queue.clear();
        } else {
          queue.add(e);
          if (draining) {
            return;
          }
          draining = true;
        }
      }
      if (done) {
        close();
        return;
      }
      try {
        senders.execute(this::drain);
      } catch (java.util.concurrent.RejectedExecutionException x) {
        close(); // stopping
      }
    }

    private void drain() {
      while (true) {
        Event e;
        synchronized (this) {
          e = queue.poll();
          if (e == null || done) {
            draining = false;
            return;
          }
        }
        try {
          if (e.name() == null) {
            client.sendComment(e.data());
          } else {
            client.sendEvent(e.name(), e.data(), e.id());
          }
        } catch (RuntimeException x) {
          log.debug("inbox: writing to a stream failed: {}", x.toString());
        }
        if (client.terminated()) {
          close();
          return;
        }
      }
    }

    void close() {
      synchronized (this) {
        done = true;
        queue.clear();
      }
      remove(this);
      try {
        client.close();
      } catch (RuntimeException e) {
        log.debug("inbox: closing a stream failed: {}", e.toString());
      }
    }
  }
}
