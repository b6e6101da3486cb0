package io.kairos.server.definitions;

import io.kairos.definition.Definitions;
import io.kairos.journey.Journey;
import io.kairos.journey.JourneyLoadException;
import io.kairos.journey.JourneyLoadException.Problem;
import io.kairos.journey.JourneyLoader;
import io.kairos.journey.Step;
import io.kairos.server.http.Problem.FieldError;
import io.kairos.server.http.ProblemException;
import io.kairos.server.store.Database;
import io.kairos.server.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The definitions store: every document of every workspace, versioned, and what is live.
 *
 * <p>A change to what is live (publishing, pausing or archiving a journey; saving or deleting a
 * segment, template or setting) is validated against the workspace's live documents as a whole —
 * through the core loader, as {@code kairos simulate} loads a directory — and committed only if no
 * other change committed meanwhile (the change log's sequence number; a change that lost the race
 * is validated again). Saving a journey draft changes nothing live and is not validated against
 * others' changes.
 *
 * <p>For the runtime ({@link PublishedDefinitions}) it keeps each workspace's live {@link
 * Definitions} in memory: replaced by the validated result of each change, and listeners are told
 * after the change committed.
 */
public final class DefinitionManager implements PublishedDefinitions {
  private static final Logger log = LoggerFactory.getLogger(DefinitionManager.class);

  /** How often a change validated against a state that moved on is tried again. */
  private static final int ATTEMPTS = 8;

  /** The actor of documents imported from {@code journeys.dir}. */
  public static final String SEED_ACTOR = "journeys.dir";

  private final Database db;
  private final DocumentStore store;
  private final InstantSource clock;
  private final WorkspaceLoader loader = new WorkspaceLoader();
  private final JourneyLoader journeyLoader = new JourneyLoader();
  private final ConcurrentHashMap<String, Live> live = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Journey> versions = new ConcurrentHashMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  /** A workspace's live definitions as of a change. */
  private record Live(long seq, Definitions definitions) {}

  public DefinitionManager(Database db, InstantSource clock) {
    this.db = db;
    this.store = new DocumentStore(db);
    this.clock = clock;
  }

  // ---------------------------------------------------------------- for the runtime

  @Override
  public Definitions published(String ws) {
    Live cached = live.get(ws);
    if (cached != null) {
      return cached.definitions();
    }
    Snapshot s = store.snapshot(ws);
    WorkspaceLoader.Result r = loader.load(s.documents());
    if (!r.ok()) {
      // Only possible when a newer engine reads definitions stricter than the one that accepted
      // them: refuse to guess which part to leave out.
      throw new IllegalStateException(
          ValidationException.summary(
              "workspace '" + ws + "': the published definitions no longer load", r.problems()));
    }
    return keep(ws, s.seq(), r.definitions());
  }

  private Definitions keep(String ws, long seq, Definitions d) {
    Live now =
        live.merge(ws, new Live(seq, d), (old, fresh) -> fresh.seq() >= old.seq() ? fresh : old);
    return now.definitions();
  }

  @Override
  public Journey version(String ws, String journeyId, String version) {
    for (Journey j : published(ws).journeys()) {
      if (j.id().equals(journeyId) && j.version().equals(version)) {
        return j;
      }
    }
    String key = ws + '\n' + journeyId + '\n' + version;
    Journey known = versions.get(key);
    if (known != null) {
      return known;
    }
    String text = store.content(ws, Kind.JOURNEY, journeyId, version);
    if (text == null) {
      return null;
    }
    Document doc = new Document(Kind.JOURNEY, journeyId, version, text);
    // With the shared definitions live now; when they no longer fit (a segment it names was
    // deleted since), with those that were live when this version was last published.
    List<Document> docs = shared(store.snapshot(ws).documents());
    docs.add(doc);
    WorkspaceLoader.Result r = loader.load(docs);
    if (!r.ok()) {
      Long seq = store.lastLiveSeq(ws, Kind.JOURNEY, journeyId, version);
      if (seq != null) {
        List<Document> then = store.sharedAt(ws, seq);
        then.add(doc);
        WorkspaceLoader.Result old = loader.load(then);
        r = old.ok() ? old : r;
      }
    }
    if (!r.ok()) {
      throw new IllegalStateException(
          ValidationException.summary(
              "journey " + journeyId + " version " + version + " does not load", r.problems()));
    }
    Journey j = r.definitions().journeys().get(0);
    if (versions.size() > 10_000) {
      versions.clear();
    }
    versions.put(key, j);
    return j;
  }

  private static List<Document> shared(List<Document> docs) {
    List<Document> out = new ArrayList<>();
    for (Document d : docs) {
      if (d.kind() != Kind.JOURNEY && d.kind() != Kind.TEMPLATE) {
        out.add(d);
      }
    }
    return out;
  }

  @Override
  public void onChange(Consumer<String> listener) {
    listeners.add(listener);
  }

  private void changed(String ws) {
    for (Consumer<String> l : listeners) {
      try {
        l.accept(ws);
      } catch (RuntimeException e) {
        log.error("a definitions listener failed for workspace {}", ws, e);
      }
    }
  }

  // ---------------------------------------------------------------- reads

  public Optional<Head> head(String ws, Kind kind, String id) {
    return store.head(ws, kind, id);
  }

  /** Every document of a kind, deleted ones too. */
  public List<Head> heads(String ws, Kind kind) {
    return store.heads(ws, kind);
  }

  /** A version's text, or null. */
  public String content(String ws, Kind kind, String id, String version) {
    return store.content(ws, kind, id, version);
  }

  public List<VersionInfo> versions(String ws, Kind kind, String id) {
    return store.versions(ws, kind, id);
  }

  // ---------------------------------------------------------------- journeys

  /**
   * A saved document and what is wrong with it.
   *
   * @param created whether the request created the document
   * @param problems for a journey draft, what publishing it now would report
   */
  public record Saved(Head head, boolean created, List<Problem> problems) {}

  /**
   * Saves a journey version as its draft; the live version, if any, stays live.
   *
   * @param pathId the id in the URL (PUT), or null (POST: the journey must be new)
   * @throws ValidationException when the text is not a journey with a usable id
   * @throws ProblemException 409 when POST names a journey that exists
   */
  public Saved saveJourney(String ws, String actor, String pathId, String text) {
    String id = Checks.journeyId(text, pathId);
    Document doc = Document.of(Kind.JOURNEY, id, text);
    List<Problem> problems = candidateProblems(ws, doc);
    long at = clock.millis();
    boolean created;
    try {
      created =
          db.transaction(
              c -> {
                boolean exists = store.exists(c, ws, Kind.JOURNEY, id);
                if (exists && pathId == null) {
                  throw conflict(
                      "journey '"
                          + id
                          + "' exists; PUT /v1/journeys/"
                          + id
                          + " saves a new version");
                }
                store.saveVersion(c, ws, doc, at, actor);
                // POST inserts (a concurrent POST of the same id fails on the key); PUT upserts.
                store.saveDraft(c, ws, Kind.JOURNEY, id, doc.version(), at, pathId != null);
                return !exists;
              });
    } catch (StoreException e) {
      if (DocumentStore.isUniqueViolation(e) && pathId == null) {
        throw conflict(
            "journey '" + id + "' exists; PUT /v1/journeys/" + id + " saves a new version");
      }
      throw e;
    }
    return new Saved(store.head(ws, Kind.JOURNEY, id).orElseThrow(), created, problems);
  }

  /** What publishing {@code doc} in place of its journey's live version would report. */
  private List<Problem> candidateProblems(String ws, Document doc) {
    return loader.load(replace(store.snapshot(ws), doc)).problems();
  }

  /**
   * Validates a journey without saving it, against the workspace's live definitions.
   *
   * @return every problem; empty when it would publish
   */
  public List<Problem> validateJourney(String ws, String text) {
    String id;
    try {
      id = Checks.journeyId(text, null);
    } catch (ValidationException e) {
      return e.problems();
    }
    return candidateProblems(ws, Document.of(Kind.JOURNEY, id, text));
  }

  /**
   * Publishes a version of a journey (its latest when {@code version} is null): new customers enter
   * it, customers in flight stay on the version they entered. Publishing a paused or archived
   * journey resumes it.
   *
   * @throws ValidationException with every problem when the workspace would not load with it
   */
  public Head publish(String ws, String actor, String id, String version) {
    change(
        ws,
        snap -> {
          Head h = journey(ws, id);
          String v = version == null ? h.latest() : version;
          String text = store.content(ws, Kind.JOURNEY, id, v);
          if (text == null) {
            throw ProblemException.badField(
                "version", "journey '" + id + "' has no version '" + v + "'");
          }
          if (h.status() == Status.PUBLISHED && v.equals(h.live())) {
            return null; // already live: publishing again changes nothing
          }
          Document doc = new Document(Kind.JOURNEY, id, v, text);
          WorkspaceLoader.Result r = loader.load(replace(snap, doc));
          if (!r.ok()) {
            throw ValidationException.invalid(doc.sourceName(), r.problems());
          }
          return new Plan(
              r.definitions(),
              1,
              (c, seq, at) -> {
                store.setStatus(c, ws, Kind.JOURNEY, id, Status.PUBLISHED, v, at);
                store.appendChange(c, ws, seq + 1, Kind.JOURNEY, id, v, "publish", at, actor);
              });
        });
    return journey(ws, id);
  }

  /**
   * Pauses a published journey: no new entries; customers in flight continue on their version.
   *
   * @throws ProblemException 409 when the journey is not published
   */
  public Head pause(String ws, String actor, String id) {
    change(
        ws,
        snap -> {
          Head h = journey(ws, id);
          if (h.status() == Status.PAUSED) {
            return null;
          }
          if (h.status() != Status.PUBLISHED) {
            throw conflict(
                "journey '"
                    + id
                    + "' is "
                    + h.status().label()
                    + "; only a published journey can be paused");
          }
          return withdraw(ws, actor, snap, h, Status.PAUSED, "pause");
        });
    return journey(ws, id);
  }

  /**
   * Archives a journey: no new entries, hidden from the default list; customers in flight finish
   * the version they entered.
   */
  public Head archive(String ws, String actor, String id) {
    change(
        ws,
        snap -> {
          Head h = journey(ws, id);
          if (h.status() == Status.ARCHIVED) {
            return null;
          }
          return withdraw(ws, actor, snap, h, Status.ARCHIVED, "archive");
        });
    return journey(ws, id);
  }

  private Plan withdraw(
      String ws, String actor, Snapshot snap, Head h, Status status, String action) {
    WorkspaceLoader.Result r = loader.load(without(snap, h.kind(), h.id()));
    if (!r.ok()) {
      throw new IllegalStateException(
          ValidationException.summary("the live definitions do not load", r.problems()));
    }
    return new Plan(
        r.definitions(),
        1,
        (c, seq, at) -> {
          store.setStatus(c, ws, h.kind(), h.id(), status, null, at);
          store.appendChange(c, ws, seq + 1, h.kind(), h.id(), null, action, at, actor);
        });
  }

  private Head journey(String ws, String id) {
    return store
        .head(ws, Kind.JOURNEY, id)
        .orElseThrow(() -> ProblemException.notFound("no journey '" + id + "'"));
  }

  // ---------------------------------------------------------------- segments, settings, templates

  /**
   * Saves a segment and makes it live, after validating the workspace with it.
   *
   * @param pathId the id in the URL (PUT), or null (POST: the segment must be new)
   */
  public Saved saveSegment(String ws, String actor, String pathId, String text) {
    String id = Checks.segmentId(text, pathId);
    return saveLive(ws, actor, Document.of(Kind.SEGMENT, id, text), pathId == null);
  }

  /** Saves a settings document (a section, or the catalogue CSV) and makes it live. */
  public Saved saveSetting(String ws, String actor, Kind kind, String text) {
    Checks.setting(kind, text);
    return saveLive(ws, actor, Document.of(kind, kind.label(), text), false);
  }

  /**
   * Saves a template (checked by {@link TemplateReader}) and makes it the current one.
   *
   * @param pathId the id in the URL (PUT), or null (POST: the template must be new)
   */
  public Saved saveTemplate(
      String ws, String actor, String pathId, com.fasterxml.jackson.databind.node.ObjectNode body) {
    return saveLive(ws, actor, TemplateReader.check(body, pathId), pathId == null);
  }

  private Saved saveLive(String ws, String actor, Document doc, boolean mustBeNew) {
    boolean[] created = {false};
    change(
        ws,
        snap -> {
          Optional<Head> h = store.head(ws, doc.kind(), doc.id());
          boolean exists = h.isPresent() && h.get().status() != Status.DELETED;
          if (exists && mustBeNew) {
            throw conflict(
                doc.sourceName() + " exists; PUT /v1/" + doc.sourceName() + " saves a new version");
          }
          created[0] = !exists;
          if (exists && doc.version().equals(h.get().live())) {
            return null; // the same content again
          }
          Definitions definitions = null;
          if (doc.kind() != Kind.TEMPLATE) {
            WorkspaceLoader.Result r = loader.load(replace(snap, doc));
            if (!r.ok()) {
              throw ValidationException.invalid(doc.sourceName(), r.problems());
            }
            definitions = r.definitions();
          }
          return new Plan(
              definitions,
              1,
              (c, seq, at) -> {
                store.saveVersion(c, ws, doc, at, actor);
                store.savePublished(c, ws, doc.kind(), doc.id(), doc.version(), at);
                store.appendChange(
                    c, ws, seq + 1, doc.kind(), doc.id(), doc.version(), "save", at, actor);
              });
        });
    return new Saved(store.head(ws, doc.kind(), doc.id()).orElseThrow(), created[0], List.of());
  }

  /**
   * Deletes a segment, template or setting; its versions stay in the history.
   *
   * @throws ProblemException 404 when there is none; 409 naming what uses it
   */
  public void delete(String ws, String actor, Kind kind, String id) {
    change(
        ws,
        snap -> {
          Optional<Head> h = store.head(ws, kind, id);
          if (h.isEmpty() || h.get().status() == Status.DELETED) {
            throw ProblemException.notFound("no " + kind.sourceName(id));
          }
          Definitions definitions = null;
          if (kind == Kind.TEMPLATE) {
            Set<String> users = templateUsers(ws, id);
            if (!users.isEmpty()) {
              throw conflict(
                  "template '"
                      + id
                      + "' is used by "
                      + String.join(", ", users)
                      + "; archive or change them first");
            }
          } else {
            WorkspaceLoader.Result r = loader.load(without(snap, kind, id));
            if (!r.ok()) {
              Set<String> users = new LinkedHashSet<>();
              r.problems().forEach(p -> users.add(p.source()));
              throw new ValidationException(
                  409,
                  "Conflict",
                  kind.sourceName(id)
                      + " is used by "
                      + String.join(", ", users)
                      + "; change them first",
                  kind.sourceName(id),
                  r.problems());
            }
            definitions = r.definitions();
          }
          return new Plan(
              definitions,
              1,
              (c, seq, at) -> {
                store.setStatus(c, ws, kind, id, Status.DELETED, null, at);
                store.appendChange(c, ws, seq + 1, kind, id, null, "delete", at, actor);
              });
        });
  }

  /** The published and paused journeys whose live version sends the template. */
  private Set<String> templateUsers(String ws, String template) {
    Set<String> users = new LinkedHashSet<>();
    for (Head j : store.heads(ws, Kind.JOURNEY)) {
      if ((j.status() != Status.PUBLISHED && j.status() != Status.PAUSED) || j.live() == null) {
        continue;
      }
      String text = store.content(ws, Kind.JOURNEY, j.id(), j.live());
      try {
        for (Step s : journeyLoader.load(Kind.JOURNEY.sourceName(j.id()), text).steps()) {
          if (s instanceof Step.Send send && template.equals(send.template())) {
            users.add(Kind.JOURNEY.sourceName(j.id()));
          }
        }
      } catch (JourneyLoadException e) {
        // A live version loaded when it was published; if it no longer does, it sends nothing.
      }
    }
    return users;
  }

  // ---------------------------------------------------------------- seeding

  /**
   * Imports documents as published into a workspace being created, in the caller's transaction (the
   * one that creates the workspace, so a crash leaves neither).
   */
  public void seed(Connection c, String ws, List<Document> docs) throws SQLException {
    long at = clock.millis();
    long seq = 0;
    for (Document d : docs) {
      store.saveVersion(c, ws, d, at, SEED_ACTOR);
      store.savePublished(c, ws, d.kind(), d.id(), d.version(), at);
      store.appendChange(c, ws, ++seq, d.kind(), d.id(), d.version(), "seed", at, SEED_ACTOR);
    }
  }

  /** Checks that documents load together (the seeding does before it imports them). */
  public List<Problem> problems(List<Document> docs) {
    return loader.load(docs).problems();
  }

  // ---------------------------------------------------------------- changes

  /** The writes of a change validated against a snapshot. */
  @FunctionalInterface
  private interface Writes {
    void write(Connection c, long seq, long at) throws SQLException;
  }

  /**
   * A validated change.
   *
   * @param definitions the live definitions after it, or null when they do not change (templates)
   * @param changes how many entries it appends to the change log
   */
  private record Plan(Definitions definitions, int changes, Writes writes) {}

  @FunctionalInterface
  private interface Planner {
    /** The change against this snapshot, or null when there is nothing to do. */
    Plan plan(Snapshot snapshot);
  }

  /** Plans against the current state and commits unless another change came first; then again. */
  private void change(String ws, Planner planner) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Snapshot snap = store.snapshot(ws);
      Plan plan = planner.plan(snap);
      if (plan == null) {
        return;
      }
      long at = clock.millis();
      try {
        db.transaction(
            c -> {
              store.requireSeq(c, ws, snap.seq());
              plan.writes().write(c, snap.seq(), at);
              return null;
            });
      } catch (DocumentStore.ConcurrentChange e) {
        continue;
      } catch (StoreException e) {
        if (DocumentStore.isUniqueViolation(e)) {
          continue;
        }
        throw e;
      }
      if (plan.definitions() != null) {
        keep(ws, snap.seq() + plan.changes(), plan.definitions());
        changed(ws);
      }
      return;
    }
    throw conflict("the workspace's definitions kept changing meanwhile; try again");
  }

  /** The live documents with {@code doc} in place of its live version, or added last. */
  private static List<Document> replace(Snapshot snap, Document doc) {
    List<Document> docs = new ArrayList<>();
    boolean replaced = false;
    for (Document d : snap.documents()) {
      if (d.kind() == doc.kind() && d.id().equals(doc.id())) {
        docs.add(doc);
        replaced = true;
      } else {
        docs.add(d);
      }
    }
    if (!replaced) {
      docs.add(doc);
    }
    return docs;
  }

  private static List<Document> without(Snapshot snap, Kind kind, String id) {
    List<Document> docs = new ArrayList<>();
    for (Document d : snap.documents()) {
      if (!(d.kind() == kind && d.id().equals(id))) {
        docs.add(d);
      }
    }
    return docs;
  }

  private static ProblemException conflict(String detail) {
    return new ProblemException(
        new io.kairos.server.http.Problem(409, "Conflict", detail, List.<FieldError>of()));
  }
}
