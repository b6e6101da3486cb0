package io.kairos.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.engine.ProfileState;
import io.kairos.profile.Profile;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProfileIndexTest {
  @Test
  void behavesLikeAMapUnderRandomAddsAndRemoves() {
    Random r = new Random(99);
    ProfileIndex index = new ProfileIndex();
    Map<String, ProfileState> model = new HashMap<>();
    for (int i = 0; i < 300_000; i++) {
      String id = "u-" + r.nextInt(120_000);
      int op = r.nextInt(10);
      if (op < 6) {
        if (!model.containsKey(id)) {
          ProfileState s = new ProfileState(new Profile(id));
          model.put(id, s);
          index.add(s);
        }
      } else if (op < 8) {
        assertThat(index.remove(id)).isSameAs(model.remove(id));
      } else {
        assertThat(index.get(id)).isSameAs(model.get(id));
      }
      assertThat(index.size()).isEqualTo(model.size());
    }
    model.forEach((id, s) -> assertThat(index.get(id)).isSameAs(s));
  }
}
