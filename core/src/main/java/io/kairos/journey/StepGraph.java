package io.kairos.journey;

import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Rejects journeys whose steps can loop without ever pausing. The engine runs steps until one
 * waits, so such a loop would never give control back: a goto back to a send would send forever.
 */
final class StepGraph {

  private StepGraph() {}

  static void checkLoops(Doc doc, List<Step> steps, List<Node> nodes) {
    int n = steps.size();
    int[] state = new int[n]; // 0 unseen, 1 on the current path, 2 done
    boolean[] reported = new boolean[n];
    List<Integer> path = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (state[i] == 0) {
        visit(i, doc, steps, nodes, state, reported, path);
      }
    }
  }

  private static void visit(
      int i,
      Doc doc,
      List<Step> steps,
      List<Node> nodes,
      int[] state,
      boolean[] reported,
      List<Integer> path) {
    state[i] = 1;
    path.add(i);
    for (int next : instantSuccessors(steps.get(i))) {
      if (next < 0 || next >= steps.size()) {
        continue;
      }
      if (state[next] == 1 && !reported[next]) {
        // One report per step that starts a loop: one wait there breaks all of its loops.
        reported[next] = true;
        List<String> loop = new ArrayList<>();
        for (int k = path.indexOf(next); k < path.size(); k++) {
          loop.add(steps.get(path.get(k)).info().id());
        }
        loop.add(steps.get(next).info().id());
        doc.problem(
            nodes.get(next),
            "these steps loop without waiting: "
                + String.join(" -> ", loop)
                + "; add a wait or wait_for to the loop");
      } else if (state[next] == 0) {
        visit(next, doc, steps, nodes, state, reported, path);
      }
    }
    path.remove(path.size() - 1);
    state[i] = 2;
  }

  /** The steps that run right after this one, in the same instant. */
  private static List<Integer> instantSuccessors(Step step) {
    List<Integer> out = new ArrayList<>();
    if (step instanceof Step.Wait w) {
      if (w.duration().isZero()) {
        out.add(w.next());
      }
    } else if (step instanceof Step.Branch b) {
      b.cases().forEach(c -> out.add(c.target()));
      out.add(b.otherwise());
    } else if (step instanceof Step.Split s) {
      s.arms().forEach(a -> out.add(a.target()));
    } else if (step instanceof Step.Goto g) {
      out.add(g.target());
    } else if (step instanceof Step.Assign a) {
      out.add(a.next());
      out.add(a.onUnassigned());
    } else if (!(step instanceof Step.WaitFor) && !(step instanceof Step.Exit)) {
      out.add(step.next());
    }
    return out;
  }
}
