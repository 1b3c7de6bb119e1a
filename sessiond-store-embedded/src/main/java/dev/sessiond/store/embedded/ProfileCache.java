package dev.sessiond.store.embedded;

import dev.sessiond.core.Profile;
import java.util.HashMap;
import java.util.Map;

/** Reads stored profiles so that equal JSON yields one shared Profile: most sessions share a few. */
final class ProfileCache {

  private static final int MAX = 10_000;
  private final Map<String, Profile> seen = new HashMap<>();
  private String lastJson;
  private Profile last;

  Profile read(String json) {
    // Neighbouring rows (one user's sessions) mostly repeat a profile: equals is far cheaper than hashing it.
    if (json.equals(lastJson)) {
      return last;
    }
    Profile p = seen.get(json);
    if (p == null) {
      p = ProfileJson.read(json);
      if (seen.size() < MAX) {
        seen.put(json, p);
      }
    }
    lastJson = json;
    last = p;
    return p;
  }
}
