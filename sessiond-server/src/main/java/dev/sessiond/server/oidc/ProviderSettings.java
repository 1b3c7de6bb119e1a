package dev.sessiond.server.oidc;

import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One OpenID Provider as {@code oidc-providers:} in sessiond.yaml sets it, checked: a
 * {@code name} for its paths ({@code /login/oidc/<name>}), its {@code issuer} (discovered at
 * start), the client sessiond is there ({@code clientId} with {@code clientSecret} for
 * client_secret_basic, or {@code privateKeyJwk}, a private JWK, for private_key_jwt), the scopes,
 * the name on the login page's button, and the claim mapping: the user ID ({@code userIdClaim};
 * null: {@code <name>:<sub>}), the profile's name ({@code nameClaim}), who is admin
 * ({@code adminClaim} holding one of {@code adminValues}) and who may sign in ({@code allowClaim}
 * holding one of {@code allowValues}; null: anyone the provider signs in). {@code endSession}:
 * signing out of sessiond also ends the session at the provider when it offers an
 * end_session_endpoint, with {@code id_token_hint} (or only {@code client_id} when
 * {@code endSessionWithIdToken} is false).
 */
public record ProviderSettings(String name, String displayName, String issuer, String clientId, String clientSecret,
    String privateKeyJwk, List<String> scopes, String userIdClaim, String nameClaim, String adminClaim,
    List<String> adminValues, String allowClaim, List<String> allowValues, boolean endSession,
    boolean endSessionWithIdToken) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

  public ProviderSettings {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name must be 1 to 32 of a-z, 0-9, _ and -, starting with a letter or digit");
    }
    if (issuer == null || issuer.isBlank()) {
      throw new IllegalArgumentException("issuer is required");
    }
    URI uri;
    try {
      uri = URI.create(issuer.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("issuer is not a URL: " + issuer);
    }
    if (!("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("issuer must be an https URL without query or fragment: " + issuer);
    }
    issuer = issuer.strip();
    if (clientId == null || clientId.isBlank()) {
      throw new IllegalArgumentException("client-id is required");
    }
    boolean secret = clientSecret != null && !clientSecret.isEmpty();
    boolean key = privateKeyJwk != null && !privateKeyJwk.isEmpty();
    if (secret == key) {
      throw new IllegalArgumentException("give either client-secret (or client-secret-file) or private-key-jwk-file");
    }
    displayName = displayName == null || displayName.isBlank() ? name : displayName.strip();
    scopes = scopes == null || scopes.isEmpty() ? List.of("openid", "profile", "email") : List.copyOf(scopes);
    if (!scopes.contains("openid")) {
      throw new IllegalArgumentException("scopes must include openid");
    }
    nameClaim = nameClaim == null || nameClaim.isBlank() ? "name" : nameClaim;
    adminValues = adminValues == null ? List.of() : List.copyOf(adminValues);
    allowValues = allowValues == null ? List.of() : List.copyOf(allowValues);
    if ((adminClaim == null) != adminValues.isEmpty()) {
      throw new IllegalArgumentException("admin-claim and admin-values go together");
    }
    if ((allowClaim == null) != allowValues.isEmpty()) {
      throw new IllegalArgumentException("allow-claim and allow-values go together");
    }
  }

  @Override
  public String toString() {
    return "ProviderSettings[name=" + name + ", issuer=" + issuer + ", clientId=" + clientId + "]";
  }
}
