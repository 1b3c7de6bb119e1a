package dev.sessiond.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sessiond.server.oidc.ProviderSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * sessiond.yaml ({@code --config}): every {@code serve} flag by its name without the dashes
 * ({@code public-url: https://auth.example.com}; a list for a flag that takes several), and the
 * OpenID Connect providers under {@code oidc-providers:}. Read once at start; an unknown key, a
 * value of the wrong shape or a provider that does not check out fails the start with a message
 * that names the file and the key. Flags and environment variables win over the file
 * ({@link FileDefaults}). Immutable.
 */
public final class ConfigFile {

  public static final String PROVIDERS = "oidc-providers";

  private static final YAMLMapper YAML = YAMLMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  private final Path path;
  private final Map<String, String> options;
  private final List<ProviderSettings> providers;

  private ConfigFile(Path path, Map<String, String> options, List<ProviderSettings> providers) {
    this.path = path;
    this.options = Map.copyOf(options);
    this.providers = List.copyOf(providers);
  }

  /** One provider as written in the file: the names of its keys are these in kebab case. */
  record ProviderEntry(String name, String displayName, String issuer, String clientId, String clientSecret,
      String clientSecretFile, String privateKeyJwkFile, List<String> scopes, String userIdClaim, String nameClaim,
      String adminClaim, List<String> adminValues, String allowClaim, List<String> allowValues, Boolean endSession,
      String endSessionHint) {}

  /** Reads {@code file}; {@code keys}: the flags it may set, by their names without dashes. */
  public static ConfigFile read(Path file, Set<String> keys) {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--config " + file + ": no such file");
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("--config " + file + " cannot be read: " + e.getMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new ConfigFile(file, Map.of(), List.of());
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(file + ": expected keys and values (public-url: ...), not a " + root.getNodeType());
    }
    Map<String, String> options = new LinkedHashMap<>();
    List<ProviderSettings> providers = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      String key = e.getKey();
      if (key.equals(PROVIDERS)) {
        providers = providers(file, e.getValue());
      } else if (!keys.contains(key) || key.equals("config")) {
        throw new IllegalArgumentException(file + ": unknown key '" + key + "' (keys are the serve flags without "
            + "their dashes, such as public-url, and " + PROVIDERS + ")");
      } else {
        options.put(key, scalar(file, key, e.getValue()));
      }
    }
    return new ConfigFile(file, options, providers);
  }

  public Path path() {
    return path;
  }

  /** The flags the file sets, by name without dashes, as text picocli converts. */
  public Map<String, String> options() {
    return options;
  }

  public List<ProviderSettings> providers() {
    return providers;
  }

  private static String scalar(Path file, String key, JsonNode value) {
    if (value.isValueNode() && !value.isNull()) {
      return value.asText();
    }
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      for (JsonNode item : value) {
        if (!item.isValueNode() || item.isNull()) {
          throw new IllegalArgumentException(file + ": " + key + ": a list of plain values was expected");
        }
        items.add(item.asText());
      }
      return String.join(",", items);
    }
    throw new IllegalArgumentException(file + ": " + key + ": a value or a list of values was expected");
  }

  private static List<ProviderSettings> providers(Path file, JsonNode list) {
    if (!list.isArray()) {
      throw new IllegalArgumentException(file + ": " + PROVIDERS + " must be a list (- name: ...)");
    }
    List<ProviderSettings> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String where = file + ": " + PROVIDERS + "[" + i + "]";
      ProviderEntry entry;
      try {
        entry = YAML.treeToValue(list.get(i), ProviderEntry.class);
      } catch (UnrecognizedPropertyException e) {
        throw new IllegalArgumentException(where + ": unknown key '" + e.getPropertyName() + "'");
      } catch (JsonMappingException e) {
        String key = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."));
        throw new IllegalArgumentException(where + (key.isEmpty() ? "" : ": " + key) + ": " + e.getOriginalMessage());
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(where + ": " + e.getOriginalMessage());
      }
      if (entry == null) {
        throw new IllegalArgumentException(where + ": expected name, issuer, client-id, ...");
      }
      where += entry.name() == null ? "" : " (" + entry.name() + ")";
      try {
        out.add(settings(entry));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage());
      }
    }
    Set<String> names = new java.util.HashSet<>();
    for (ProviderSettings p : out) {
      if (!names.add(p.name())) {
        throw new IllegalArgumentException(file + ": " + PROVIDERS + ": the name " + p.name() + " is given twice");
      }
    }
    return out;
  }

  private static ProviderSettings settings(ProviderEntry e) {
    if (e.clientSecret() != null && e.clientSecretFile() != null) {
      throw new IllegalArgumentException("client-secret and client-secret-file are both given: give the secret one way only");
    }
    String secret = e.clientSecretFile() != null ? oneLine("client-secret-file", e.clientSecretFile()) : e.clientSecret();
    String jwk = e.privateKeyJwkFile() == null ? null : whole("private-key-jwk-file", e.privateKeyJwkFile());
    String hint = e.endSessionHint() == null ? "id-token" : e.endSessionHint();
    if (!hint.equals("id-token") && !hint.equals("client-id")) {
      throw new IllegalArgumentException("end-session-hint must be id-token or client-id");
    }
    return new ProviderSettings(e.name(), e.displayName(), e.issuer(), e.clientId(), secret, jwk, e.scopes(),
        e.userIdClaim(), e.nameClaim(), e.adminClaim(), e.adminValues(), e.allowClaim(), e.allowValues(),
        e.endSession() != null && e.endSession(), hint.equals("id-token"));
  }

  private static String oneLine(String key, String file) {
    String text = whole(key, file);
    text = text.endsWith("\r\n") ? text.substring(0, text.length() - 2) : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    if (text.isBlank() || text.indexOf('\n') >= 0) {
      throw new IllegalArgumentException(key + " " + file + " must hold the secret on its one line");
    }
    return text;
  }

  private static String whole(String key, String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(key + " " + file + " cannot be read: " + e.getMessage());
    }
  }
}
