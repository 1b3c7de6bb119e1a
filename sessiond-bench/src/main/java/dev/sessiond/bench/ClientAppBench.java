package dev.sessiond.bench;

import dev.sessiond.client.SessiondClient;
import dev.sessiond.client.servlet.SessiondFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The app of bench/client.sh: an embedded Jetty answering {@code GET /hello} with the caller's
 * user ID, guarded either by the client's {@link SessiondFilter} ({@code filter}) or by a call to
 * sessiond's {@code GET /api/whoami} on every request ({@code whoami}, what apps do without the
 * client). {@code java -cp sessiond-bench.jar dev.sessiond.bench.ClientAppBench filter|whoami <sessiond url> <verify key> <port>}.
 */
public final class ClientAppBench {

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    URI sessiond = URI.create(args[1]);
    String key = args[2];
    int port = Integer.parseInt(args[3]);
    Server jetty = new Server(new InetSocketAddress("127.0.0.1", port));
    ServletContextHandler app = new ServletContextHandler();
    if (mode.equals("filter")) {
      SessiondClient client = SessiondClient.builder(sessiond).apiKey(key).build();
      app.addFilter(new FilterHolder(new SessiondFilter(client)), "/*", EnumSet.of(DispatcherType.REQUEST));
      app.addServlet(new ServletHolder(new HttpServlet() {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
          resp.getWriter().write("hello " + SessiondFilter.session(req).userId());
        }
      }), "/*");
    } else {
      HttpClient http = HttpClient.newHttpClient();
      URI whoami = sessiond.resolve("/api/whoami");
      app.addServlet(new ServletHolder(new HttpServlet() {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
          String auth = req.getHeader("Authorization");
          if (auth == null) {
            resp.setStatus(401);
            return;
          }
          try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(whoami).header("Authorization", auth).build(),
                HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
              resp.setStatus(r.statusCode() == 401 ? 401 : 503);
              return;
            }
            String body = r.body();
            int at = body.indexOf("\"user_id\":\"") + 11;
            resp.getWriter().write("hello " + body.substring(at, body.indexOf('"', at)));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            resp.setStatus(503);
          }
        }
      }), "/*");
    }
    jetty.setHandler(app);
    jetty.start();
    System.out.println("app listening on " + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort() + " (" + mode + ")");
    jetty.join();
  }
}
