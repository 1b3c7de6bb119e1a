package dev.sessiond.server.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.LogoutTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import com.nimbusds.openid.connect.sdk.validators.LogoutTokenValidator;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One configured OpenID Provider, through the Nimbus OAuth 2.0 SDK: discovery (retried on use
 * while the provider is down, at most every {@link #RETRY}), the authorization request (code,
 * PKCE S256, state, nonce), the token request (client_secret_basic or private_key_jwt), the ID
 * and logout tokens' checks against the provider's JWKS (fetched again for an unknown key ID),
 * and the end-session request. No JOSE code of ours: we choose the checks, Nimbus makes them.
 * Every method that may reach the network blocks: call it off the event loops. Thread-safe.
 */
public final class OidcProvider {

  static final Duration RETRY = Duration.ofSeconds(5);
  private static final int CONNECT_MS = 5000;
  private static final int READ_MS = 10000;
  private static final int CLOCK_SKEW_SECONDS = 60;

  /** The provider could not be reached or answered nonsense: a 503 for whoever needed it. */
  public static final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  /** What the provider refused, or a token that failed a check: a 400 that says why. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }

  private record Discovered(OIDCProviderMetadata metadata, IDTokenValidator idTokens, LogoutTokenValidator logoutTokens) {}

  private final ProviderSettings settings;
  private final ClientID clientId;
  private final URI callback;
  private final AtomicReference<Discovered> discovered = new AtomicReference<>();
  private final AtomicLong lastAttempt = new AtomicLong(Long.MIN_VALUE);
  private volatile String lastFailure = "not discovered yet";

  public OidcProvider(ProviderSettings settings, String publicUrl) {
    this.settings = settings;
    this.clientId = new ClientID(settings.clientId());
    this.callback = URI.create(publicUrl + "/login/oidc/" + settings.name() + "/callback");
    if (settings.privateKeyJwk() != null) {
      privateKey();   // a key that does not parse fails the start
    }
  }

  public ProviderSettings settings() {
    return settings;
  }

  /** Discovers the provider now if it has not been; Unavailable while it cannot be. Blocks. */
  public void discover() {
    discovered();
  }

  /** Whether discovery succeeded (the login page offers the provider either way). */
  public boolean isUp() {
    return discovered.get() != null;
  }

  /** The authorization request's URL, for a browser to follow. Blocks while discovering. */
  public URI authorizationUrl(String state, String nonce, String verifier) {
    Discovered d = discovered();
    return new AuthenticationRequest.Builder(new ResponseType(ResponseType.Value.CODE),
        new Scope(settings.scopes().toArray(String[]::new)), clientId, callback)
        .endpointURI(d.metadata().getAuthorizationEndpointURI())
        .state(new State(state))
        .nonce(new Nonce(nonce))
        .codeChallenge(new CodeVerifier(verifier), CodeChallengeMethod.S256)
        .build().toURI();
  }

  /** The ID token for an authorization code, checked (issuer, audience, signature, expiry, nonce). Blocks. */
  public Verified redeem(String code, String verifier, String nonce) {
    Discovered d = discovered();
    TokenRequest request = new TokenRequest.Builder(d.metadata().getTokenEndpointURI(), clientAuthentication(d),
        new AuthorizationCodeGrant(new AuthorizationCode(code), callback, new CodeVerifier(verifier))).build();
    TokenResponse response;
    try {
      HTTPRequest http = request.toHTTPRequest();
      http.setConnectTimeout(CONNECT_MS);
      http.setReadTimeout(READ_MS);
      response = OIDCTokenResponseParser.parse(http.send());
    } catch (IOException e) {
      throw new Unavailable("the provider's token endpoint does not answer: " + e.getMessage());
    } catch (com.nimbusds.oauth2.sdk.ParseException e) {
      throw new Unavailable("the provider's token endpoint answered nonsense: " + e.getMessage());
    }
    if (!response.indicatesSuccess()) {
      ErrorObject error = response.toErrorResponse().getErrorObject();
      String reason = error == null || error.getCode() == null ? "HTTP " + (error == null ? "error" : error.getHTTPStatusCode())
          : error.getCode();
      throw new Refused("the provider refused the code: " + reason
          + (error == null || error.getDescription() == null ? "" : " (" + error.getDescription() + ")"));
    }
    JWT idToken = ((OIDCTokenResponse) response.toSuccessResponse()).getOIDCTokens().getIDToken();
    if (idToken == null) {
      throw new Refused("the provider sent no ID token");
    }
    return new Verified(checkIdToken(idToken, nonce), idToken.serialize());
  }

  /** An ID token and its checked claims. */
  public record Verified(IDTokenClaimsSet claims, String idToken) {}

  /** Checks an ID token as {@link #redeem} does; Refused with the reason when it fails. Blocks. */
  public IDTokenClaimsSet checkIdToken(JWT idToken, String nonce) {
    try {
      return discovered().idTokens().validate(idToken, new Nonce(nonce));
    } catch (BadJOSEException e) {
      throw new Refused("the ID token failed its check: " + e.getMessage());
    } catch (JOSEException e) {
      throw new Refused("the ID token could not be checked: " + e.getMessage());
    }
  }

  /** Checks a back-channel logout token (signature, iss, aud, iat, exp, events, no nonce, sid or sub). Blocks. */
  public LogoutTokenClaimsSet checkLogoutToken(JWT logoutToken) {
    try {
      return discovered().logoutTokens().validate(logoutToken);
    } catch (BadJOSEException e) {
      throw new Refused("the logout token failed its check: " + e.getMessage());
    } catch (JOSEException e) {
      throw new Refused("the logout token could not be checked: " + e.getMessage());
    }
  }

  /**
   * Where to send a browser signing out so that the provider ends its session too, or null when
   * the settings do not ask for it or the provider has no end_session_endpoint. Does not block
   * (a provider not discovered yet is not asked).
   */
  public URI endSessionUrl(String idToken, String postLogoutRedirect) {
    Discovered d = discovered.get();
    if (!settings.endSession() || d == null || d.metadata().getEndSessionEndpointURI() == null) {
      return null;
    }
    JWT hint = null;
    if (settings.endSessionWithIdToken() && idToken != null) {
      try {
        hint = com.nimbusds.jwt.JWTParser.parse(idToken);
      } catch (java.text.ParseException e) {
        hint = null;
      }
    }
    return new LogoutRequest(d.metadata().getEndSessionEndpointURI(), hint, null, clientId,
        postLogoutRedirect == null ? null : URI.create(postLogoutRedirect), null, null).toURI();
  }

  private Discovered discovered() {
    Discovered d = discovered.get();
    if (d != null) {
      return d;
    }
    synchronized (this) {
      d = discovered.get();
      if (d != null) {
        return d;
      }
      long now = System.nanoTime();
      long last = lastAttempt.get();
      if (last != Long.MIN_VALUE && now - last < RETRY.toNanos()) {
        throw new Unavailable(lastFailure);
      }
      lastAttempt.set(now);
      try {
        d = discover(settings, clientId);
        discovered.set(d);
        return d;
      } catch (Unavailable e) {
        lastFailure = e.getMessage();
        throw e;
      }
    }
  }

  private static Discovered discover(ProviderSettings settings, ClientID clientId) {
    OIDCProviderMetadata metadata;
    try {
      metadata = OIDCProviderMetadata.resolve(new Issuer(settings.issuer()), CONNECT_MS, READ_MS);
    } catch (IOException e) {
      throw new Unavailable("the provider " + settings.name() + " (" + settings.issuer() + ") does not answer: " + e.getMessage());
    } catch (GeneralException e) {
      throw new Unavailable("the provider " + settings.name() + " answered discovery with nonsense: " + e.getMessage());
    }
    URL jwks;
    try {
      jwks = metadata.getJWKSetURI().toURL();
    } catch (IOException | RuntimeException e) {
      throw new Unavailable("the provider " + settings.name() + " names no usable jwks_uri");
    }
    // Kept for the provider's life: cached keys, fetched again when a token names a key ID the
    // cache does not hold (a rotation), rate-limited by Nimbus.
    JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwks).retrying(true).build();
    Set<JWSAlgorithm> algorithms = new HashSet<>();
    List<JWSAlgorithm> offered = metadata.getIDTokenJWSAlgs() == null ? List.of(JWSAlgorithm.RS256) : metadata.getIDTokenJWSAlgs();
    for (JWSAlgorithm alg : offered) {
      if (JWSAlgorithm.Family.SIGNATURE.contains(alg)) {
        algorithms.add(alg);   // public-key signatures only: never "none", never HMAC with the client secret
      }
    }
    if (algorithms.isEmpty()) {
      throw new Unavailable("the provider " + settings.name() + " signs ID tokens with no public-key algorithm sessiond accepts");
    }
    Issuer issuer = metadata.getIssuer();
    IDTokenValidator idTokens = new IDTokenValidator(issuer, clientId, new JWSVerificationKeySelector<>(algorithms, keys), null);
    idTokens.setMaxClockSkew(CLOCK_SKEW_SECONDS);
    LogoutTokenValidator logoutTokens = new LogoutTokenValidator(issuer, clientId, false,
        new JWSVerificationKeySelector<>(algorithms, keys), null);
    logoutTokens.setMaxClockSkew(CLOCK_SKEW_SECONDS);
    return new Discovered(metadata, idTokens, logoutTokens);
  }

  private ClientAuthentication clientAuthentication(Discovered d) {
    if (settings.clientSecret() != null) {
      return new ClientSecretBasic(clientId, new Secret(settings.clientSecret()));
    }
    JWK key = privateKey();
    try {
      if (key instanceof RSAKey rsa) {
        return new PrivateKeyJWT(clientId, d.metadata().getTokenEndpointURI(), JWSAlgorithm.RS256,
            (java.security.PrivateKey) rsa.toRSAPrivateKey(), rsa.getKeyID(), null);
      }
      ECKey ec = (ECKey) key;
      return new PrivateKeyJWT(clientId, d.metadata().getTokenEndpointURI(), JWSAlgorithm.ES256,
          (java.security.PrivateKey) ec.toECPrivateKey(), ec.getKeyID(), null);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign the client assertion for " + settings.name() + ": " + e.getMessage());
    }
  }

  private JWK privateKey() {
    JWK key;
    try {
      key = JWK.parse(settings.privateKeyJwk());
    } catch (java.text.ParseException e) {
      throw new IllegalArgumentException("oidc provider " + settings.name() + ": private-key-jwk-file is not a JWK: "
          + e.getMessage());
    }
    if (!key.isPrivate() || !(key instanceof RSAKey || key instanceof ECKey && ((ECKey) key).getCurve() == com.nimbusds.jose.jwk.Curve.P_256)) {
      throw new IllegalArgumentException("oidc provider " + settings.name()
          + ": private-key-jwk-file must hold a private RSA or P-256 EC key");
    }
    return key;
  }
}
