package dev.sessiond.store.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sessiond.core.Member;
import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Sessions and members as Redis hash fields; profiles as JSON text inside them. */
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

  static Map<String, String> fields(Session s, long generation) {
    Map<String, String> f = new HashMap<>();
    f.put("id", s.id());
    f.put("uid", s.userId());
    f.put("th", s.tokenHash());
    f.put("profile", json(s.profile()));
    f.put("created", Long.toString(s.createdAt().toEpochMilli()));
    f.put("last", Long.toString(s.lastSeenAt().toEpochMilli()));
    f.put("exp", Long.toString(s.expiresAt().toEpochMilli()));
    f.put("deadline", Long.toString(s.deadline().toEpochMilli()));
    f.put("ip", s.ip());
    f.put("ua", s.userAgent());
    f.put("gen", Long.toString(generation));
    return f;
  }

  static Session session(Map<String, String> f) {
    return new Session(f.get("id"), f.get("uid"), f.get("th"), profile(f.get("profile")),
        Instant.ofEpochMilli(Long.parseLong(f.get("created"))), Instant.ofEpochMilli(Long.parseLong(f.get("last"))),
        Instant.ofEpochMilli(Long.parseLong(f.get("exp"))), Instant.ofEpochMilli(Long.parseLong(f.get("deadline"))),
        f.get("ip"), f.get("ua"));
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
