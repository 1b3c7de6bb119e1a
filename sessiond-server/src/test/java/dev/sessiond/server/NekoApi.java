package dev.sessiond.server;

/**
 * What neko's v3 front end sends, call by call: its {@code NekoApi} (the OpenAPI client neko
 * generates, axios with {@code withCredentials: true}) as a page served by the server would run
 * it. Cookies are kept as a browser keeps them (share the jar to model a reload); the bearer
 * token is set only when the page chose to keep the login answer's token. Every answer goes
 * through {@link Api}, so it is checked against both OpenAPI documents.
 */
final class NekoApi {

  private final Api http;
  private final String origin;
  private String accessToken;

  NekoApi(int port, java.net.CookieManager browserCookies) {
    this.http = new Api(port, browserCookies);
    this.origin = "http://127.0.0.1:" + port;
  }

  /** {@code NekoApi.setToken}. */
  void setToken(String token) {
    this.accessToken = token;
  }

  // DefaultApi

  Api.Res login(String username, String password) {
    return send("POST", "/api/login", "{\"username\":" + Api.quote(username) + ",\"password\":" + Api.quote(password) + "}");
  }

  Api.Res logout() {
    return send("POST", "/api/logout", null);
  }

  Api.Res whoami() {
    return send("GET", "/api/whoami", null);
  }

  // SessionsApi

  Api.Res sessionsGet() {
    return send("GET", "/api/sessions", null);
  }

  Api.Res sessionGet(String sessionId) {
    return send("GET", "/api/sessions/" + sessionId, null);
  }

  Api.Res sessionDisconnect(String sessionId) {
    return send("POST", "/api/sessions/" + sessionId + "/disconnect", null);
  }

  Api.Res sessionRemove(String sessionId) {
    return send("DELETE", "/api/sessions/" + sessionId, null);
  }

  // MembersApi

  Api.Res membersList(int limit, int offset) {
    return send("GET", "/api/members?limit=" + limit + "&offset=" + offset, null);
  }

  Api.Res membersCreate(String memberCreateJson) {
    return send("POST", "/api/members", memberCreateJson);
  }

  Api.Res membersGetProfile(String memberId) {
    return send("GET", "/api/members/" + memberId, null);
  }

  Api.Res membersUpdateProfile(String memberId, String memberProfileJson) {
    return send("POST", "/api/members/" + memberId, memberProfileJson);
  }

  /** The same update at {@code .../profile}, as some panels post it. */
  Api.Res membersUpdateProfileAtProfilePath(String memberId, String memberProfileJson) {
    return send("POST", "/api/members/" + memberId + "/profile", memberProfileJson);
  }

  Api.Res membersRemove(String memberId) {
    return send("DELETE", "/api/members/" + memberId, null);
  }

  /** Like a browser on a page of the server's own origin: Origin on unsafe requests, Sec-Fetch-Site always. */
  private Api.Res send(String method, String path, String body) {
    java.util.List<String> headers = new java.util.ArrayList<>(java.util.List.of("Sec-Fetch-Site", "same-origin"));
    if (!method.equals("GET")) {
      headers.addAll(java.util.List.of("Origin", origin));
    }
    if (accessToken != null) {
      headers.addAll(java.util.List.of("Authorization", "Bearer " + accessToken));
    }
    return http.send(method, path, body, headers.toArray(String[]::new));
  }
}
