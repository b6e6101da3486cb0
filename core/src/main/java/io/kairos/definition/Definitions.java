package io.kairos.definition;

import io.kairos.assign.Pool;
import io.kairos.dates.Calendar;
import io.kairos.geo.Geofences;
import io.kairos.journey.Journey;
import io.kairos.policy.Policies;
import io.kairos.recommend.Catalog;
import io.kairos.scoring.Lifecycle;
import io.kairos.scoring.ScoreDefinition;
import io.kairos.segment.Segment;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a workspace defines for the engine: journeys and the shared definitions they use.
 * Immutable; a new set is published as a whole.
 *
 * @param journeys the journeys, in file order
 * @param geofences the named places of {@code geofences:} sections
 * @param catalog the product catalogue (from {@code products.csv}), or {@link Catalog#EMPTY}
 * @param calendars named holiday calendars by id; schedule triggers have them resolved already
 * @param scores the {@code scoring:} scores, in file order
 * @param lifecycle the {@code lifecycle:} stages; {@link Lifecycle#NONE} when none is defined
 * @param pools the {@code pools:} of sales reps, in file order
 * @param policies the {@code policies:} for sending; {@link Policies#NONE} when none is defined
 * @param segments the segments, in file order (see {@code docs/segments.md})
 */
public record Definitions(
    List<Journey> journeys,
    Geofences geofences,
    Catalog catalog,
    Map<String, Calendar> calendars,
    List<ScoreDefinition> scores,
    Lifecycle lifecycle,
    List<Pool> pools,
    Policies policies,
    List<Segment> segments) {

  public Definitions {
    journeys = List.copyOf(journeys);
    geofences = geofences == null ? Geofences.NONE : geofences;
    catalog = catalog == null ? Catalog.EMPTY : catalog;
    calendars = Collections.unmodifiableMap(new LinkedHashMap<>(calendars));
    scores = List.copyOf(scores);
    lifecycle = lifecycle == null ? Lifecycle.NONE : lifecycle;
    pools = List.copyOf(pools);
    policies = policies == null ? Policies.NONE : policies;
    segments = List.copyOf(segments);
  }

  /** Journeys and nothing else. */
  public static Definitions of(List<Journey> journeys) {
    return new Definitions(
        journeys,
        Geofences.NONE,
        Catalog.EMPTY,
        Map.of(),
        List.of(),
        Lifecycle.NONE,
        List.of(),
        Policies.NONE,
        List.of());
  }

  /** The same definitions with another product catalogue. */
  public Definitions withCatalog(Catalog catalog) {
    return new Definitions(
        journeys, geofences, catalog, calendars, scores, lifecycle, pools, policies, segments);
  }
}
