package dev.sessiond.store.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sessiond.core.Member;
import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;

/** Sessions as compact strings, members as Redis hash fields; profiles as JSON text inside them. */
final class Codec {

  static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private Codec() {}

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** Parsed profiles by their JSON: most sessions share a few, and verify should not parse one each time. */
  private static final java.util.concurrent.ConcurrentHashMap<String, Profile> PROFILES = new java.util.concurrent.ConcurrentHashMap<>();

  static Profile profile(String json) {
    Profile cached = PROFILES.get(json);
    if (cached != null) {
      return cached;
    }
    try {
      Profile p = JSON.readValue(json, Profile.class);
      if (PROFILES.size() < 10_000) {
        PROFILES.put(json, p);
      }
      return p;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored profile is not valid JSON", e);
    }
  }

  /**
   * A session as the value of its token key, {@code "<gen> <last> <exp>\n<fixed>\n<profile>"}:
   * the parts a script changes (generation, last use, expiry) as numbers at the front, then a
   * JSON array {@code [id, userId, created, deadline, ip, userAgent]}, then the profile as a
   * JSON array of its values (see {@link #compact}). JSON text never holds a raw newline, so
   * scripts find the parts with plain patterns. The token hash is the key, not repeated.
   */
  static String body(Session s) {
    ArrayNode fixed = JSON.createArrayNode().add(s.id()).add(s.userId()).add(s.createdAt().toEpochMilli())
        .add(s.deadline().toEpochMilli()).add(s.ip()).add(s.userAgent());
    return "\n" + fixed + "\n" + compact(s.profile());
  }

  /** The generation at the front of a session's value. */
  static String generation(String value) {
    return value.substring(0, value.indexOf(' '));
  }

  static Session session(String tokenHash, String value) {
    int a = value.indexOf('\n');
    int b = value.indexOf('\n', a + 1);
    int s1 = value.indexOf(' ');
    int s2 = value.indexOf(' ', s1 + 1);
    try {
      JsonNode f = JSON.readTree(value.substring(a + 1, b));
      return new Session(f.get(0).textValue(), f.get(1).textValue(), tokenHash, compactProfile(value.substring(b + 1)),
          Instant.ofEpochMilli(f.get(2).longValue()), Instant.ofEpochMilli(Long.parseLong(value.substring(s1 + 1, s2))),
          Instant.ofEpochMilli(Long.parseLong(value.substring(s2 + 1, a))), Instant.ofEpochMilli(f.get(3).longValue()),
          f.get(4).textValue(), f.get(5).textValue());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored session is not valid", e);
    }
  }

  /** The profile's JSON property names in the order Jackson writes them. */
  private static final List<String> PROFILE_NAMES = names();
  /** Those of them that hold booleans, stored as 0 and 1. */
  private static final java.util.Set<String> FLAGS = flags();

  private static List<String> names() {
    List<String> names = new ArrayList<>();
    JSON.valueToTree(Profile.member("")).fieldNames().forEachRemaining(names::add);
    return List.copyOf(names);
  }

  private static java.util.Set<String> flags() {
    ObjectNode o = JSON.valueToTree(Profile.member(""));
    return PROFILE_NAMES.stream().filter(n -> o.get(n).isBoolean()).collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /**
   * A profile as a JSON array of its property values in {@link #PROFILE_NAMES} order: a quarter
   * of the object's size, since every session carries one; booleans as 0 and 1 (half again). A
   * value array shorter than the names (written before a property was added) reads the missing
   * ones as absent.
   */
  static String compact(Profile p) {
    ObjectNode o = JSON.valueToTree(p);
    ArrayNode a = JSON.createArrayNode();
    PROFILE_NAMES.forEach(n -> {
      JsonNode v = o.get(n);
      if (v != null && v.isBoolean()) {
        a.add(v.booleanValue() ? 1 : 0);
      } else {
        a.add(v);
      }
    });
    // Trailing absent or empty values (no plugins) read back as absent.
    while (!a.isEmpty() && (a.get(a.size() - 1).isNull() || a.get(a.size() - 1).isEmpty() && a.get(a.size() - 1).isContainerNode())) {
      a.remove(a.size() - 1);
    }
    return a.toString();
  }

  static Profile compactProfile(String text) {
    Profile cached = PROFILES.get(text);
    if (cached != null) {
      return cached;
    }
    try {
      JsonNode a = JSON.readTree(text);
      ObjectNode o = JSON.createObjectNode();
      for (int i = 0; i < Math.min(a.size(), PROFILE_NAMES.size()); i++) {
        String name = PROFILE_NAMES.get(i);
        JsonNode v = a.get(i);
        o.set(name, FLAGS.contains(name) && v.isNumber() ? JSON.getNodeFactory().booleanNode(v.intValue() != 0) : v);
      }
      Profile p = JSON.treeToValue(o, Profile.class);
      if (PROFILES.size() < 10_000) {
        PROFILES.put(text, p);
      }
      return p;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored profile is not valid JSON", e);
    }
  }

  static Map<String, String> fields(Member m) {
    Map<String, String> f = new HashMap<>();
    f.put("id", m.id());
    f.put("username", m.username());
    f.put("hash", m.passwordHash());
    f.put("profile", json(m.profile()));
    f.put("created", Long.toString(m.createdAt().toEpochMilli()));
    return f;
  }

  static Member member(Map<String, String> f) {
    return new Member(f.get("id"), f.get("username"), f.get("hash"), profile(f.get("profile")),
        Instant.ofEpochMilli(Long.parseLong(f.get("created"))));
  }
}
