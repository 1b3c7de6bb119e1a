package dev.sessiond.store.embedded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sessiond.core.Profile;

/** A Profile as the JSON text stored in the profile columns (snake_case, as on the wire). */
final class ProfileJson {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private ProfileJson() {}

  static String write(Profile profile) {
    try {
      return MAPPER.writeValueAsString(profile);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a profile as JSON", e);
    }
  }

  static Profile read(String json) {
    try {
      return MAPPER.readValue(json, Profile.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored profile is not valid JSON", e);
    }
  }
}
