package io.kairos.bench;

import io.kairos.geo.Fence;
import io.kairos.geo.Geofences;
import io.kairos.geo.Presence;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Geofences#observe}: one located event of one profile against 10,000 circular fences
 * (radius 100–500 m, exit margin 0–50 m) spread uniformly over 8° × 10° (Central Europe, 44–52° N,
 * 2–12° E), seed 42. 10,000 profiles each keep their {@link Presence}; 1,048,576 pre-drawn points
 * are taken in turn, each by the next profile. ops/s = located events/s on one thread.
 *
 * <p>{@code points}: {@code uniform} draws points anywhere in the area (most fall in no fence: the
 * common case, no transition); {@code near} draws each within 700 m of a random fence's centre, so
 * about a third of the events enter or leave a fence and the transition's text is built.
 *
 * <pre>
 * mvn -q -pl bench -am package -DskipTests
 * java -jar bench/target/kairos-bench.jar GeofenceBenchmark -f 1 -wi 3 -i 5 -w 2s -r 3s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class GeofenceBenchmark {
  static final int FENCES = 10_000;
  static final int PROFILES = 10_000;
  static final int POINTS = 1 << 20;

  @Param({"uniform", "near"})
  String points;

  private Geofences fences;
  private Presence[] presences;
  private double[] lat;
  private double[] lon;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom r = new SplittableRandom(42);
    List<Fence> list = new ArrayList<>(FENCES);
    double[] cLat = new double[FENCES];
    double[] cLon = new double[FENCES];
    for (int i = 0; i < FENCES; i++) {
      cLat[i] = 44 + 8 * r.nextDouble();
      cLon[i] = 2 + 10 * r.nextDouble();
      list.add(
          new Fence.Circle(
              "store-" + i, cLat[i], cLon[i], 100 + 400 * r.nextDouble(), 50 * r.nextDouble()));
    }
    fences = new Geofences(list);
    presences = new Presence[PROFILES];
    for (int i = 0; i < PROFILES; i++) {
      presences[i] = new Presence();
    }
    lat = new double[POINTS];
    lon = new double[POINTS];
    boolean near = points.equals("near");
    for (int i = 0; i < POINTS; i++) {
      if (near) {
        int f = r.nextInt(FENCES);
        double metres = 700 * Math.sqrt(r.nextDouble());
        double angle = 2 * Math.PI * r.nextDouble();
        double dLat = metres * Math.cos(angle) / 111_195.0;
        lat[i] = cLat[f] + dLat;
        lon[i] =
            cLon[f] + metres * Math.sin(angle) / (111_195.0 * Math.cos(Math.toRadians(cLat[f])));
      } else {
        lat[i] = 44 + 8 * r.nextDouble();
        lon[i] = 2 + 10 * r.nextDouble();
      }
    }
  }

  @Benchmark
  public Object observe() {
    int i = next;
    next = (i + 1) & (POINTS - 1);
    return fences.observe(presences[i % PROFILES], lat[i], lon[i], i);
  }
}
