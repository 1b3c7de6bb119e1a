package dev.sessiond.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The open-addressing table of user heads agrees with a HashMap through any mix of puts and removes. */
class UserHeadsTest {

  @Test
  void agreesWithAMapThroughRandomPutsAndRemoves() {
    Random random = new Random(42);
    for (int round = 0; round < 20; round++) {
      UserHeads heads = new UserHeads();
      Map<String, VerifiedSession> model = new HashMap<>();
      int users = 1 + random.nextInt(2_000);
      for (int op = 0; op < 20_000; op++) {
        String user = "u" + random.nextInt(users);
        if (random.nextInt(3) == 0) {
          assertThat(heads.remove(user)).isSameAs(model.remove(user));
        } else {
          VerifiedSession s = new VerifiedSession("s" + op, user, new Profile(user, false, true, true, true, true, true, true,
              true, true, Map.of()), 0);
          heads.put(s);
          model.put(user, s);
        }
        if (op % 997 == 0) {
          for (int u = 0; u < users; u++) {
            assertThat(heads.get("u" + u)).isSameAs(model.get("u" + u));
          }
        }
      }
      assertThat(heads.size()).isEqualTo(model.size());
      model.forEach((user, s) -> assertThat(heads.get(user)).isSameAs(s));
      heads.clear();
      assertThat(heads.size()).isZero();
      assertThat(heads.get("u0")).isNull();
    }
  }
}
