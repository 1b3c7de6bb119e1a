package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks real answers against docs/openapi.yaml (every path) and neko's published document
 * (the paths sessiond shares with it). On neko's paths, only statuses the issues name on
 * purpose may differ from neko's document: 204 for logout, and client errors neko does not list.
 */
final class OpenApiCheck {

  private static final OpenApiInteractionValidator OURS = validator(Path.of("../docs/openapi.yaml"));
  private static final OpenApiInteractionValidator NEKO = validator(Path.of("../docs/reference/neko-openapi.yaml"));
  private static final Set<String> NEKO_PATHS = Set.of("/health", "/api/login", "/api/logout", "/api/whoami",
      "/api/stats", "/api/sessions", "/api/members");

  private OpenApiCheck() {}

  private static OpenApiInteractionValidator validator(Path spec) {
    // Extra properties are allowed (sessiond adds some to neko's schemas); missing or retyped ones are not.
    return OpenApiInteractionValidator.createForSpecificationUrl(spec.toAbsolutePath().toUri().toString())
        .withResolveCombinators(true)
        .withLevelResolver(LevelResolver.create()
            .withLevel("validation.response.body.schema.additionalProperties", ValidationReport.Level.IGNORE)
            .build())
        .build();
  }

  static void check(String method, String path, Api.Res res) {
    Request.Method m = Request.Method.valueOf(method);
    SimpleResponse.Builder b = SimpleResponse.Builder.status(res.status());
    res.headers().map().forEach((name, values) -> b.withHeader(name, values));
    if (!res.body().isEmpty()) {
      b.withBody(res.body());
    }
    SimpleResponse response = b.build();
    boolean unknownRoute = res.status() == 404 && res.body().contains("no such route")
        || res.status() == 405 || res.status() == 400 && res.body().contains("malformed HTTP request");
    if (unknownRoute) {
      return;
    }
    assertClean("docs/openapi.yaml", OURS.validateResponse(path, m, response), Set.of());
    // CORS preflights (--cors-origins) and trusted-backend creation are sessiond's own additions to neko's paths.
    if (isNekoPath(path) && !(path.equals("/api/sessions") && method.equals("POST")) && !method.equals("OPTIONS")) {
      boolean namedByTheIssues = res.status() >= 400 || path.equals("/api/logout") && res.status() == 204;
      Set<String> allowed = new java.util.HashSet<>();
      if (namedByTheIssues) {
        allowed.add("validation.response.status.unknown");
      }
      if (path.equals("/health")) {
        allowed.add("validation.response.body.unexpected"); // the issue names {"status":"ok"}; neko documents no body
      }
      assertClean("neko-openapi.yaml", NEKO.validateResponse(path, m, response), allowed);
    }
  }

  private static boolean isNekoPath(String path) {
    // POST /api/members/{id}/profile is sessiond's alias of neko's POST /api/members/{id}.
    // POST /api/sessions/used (use reports) is sessiond's own.
    return NEKO_PATHS.contains(path) || path.startsWith("/api/sessions/") && !path.equals("/api/sessions/used")
        || path.startsWith("/api/members/") && !path.endsWith("/profile");
  }

  private static void assertClean(String doc, ValidationReport report, Set<String> allowed) {
    List<String> errors = report.getMessages().stream()
        .filter(msg -> msg.getLevel() == ValidationReport.Level.ERROR)
        .filter(msg -> !allowed.contains(msg.getKey()))
        .map(msg -> msg.getKey() + ": " + msg.getMessage())
        .collect(Collectors.toList());
    assertThat(errors).as("answer validates against " + doc).isEmpty();
  }
}
