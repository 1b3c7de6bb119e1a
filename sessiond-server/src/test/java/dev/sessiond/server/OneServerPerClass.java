package dev.sessiond.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** One real server for a whole test class, on the embedded store in a temporary directory, with an admin signed in. */
abstract class OneServerPerClass {

  @TempDir
  static Path dir;
  static TestServer server;
  static Api api;
  static String admin;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServer.start(dir);
    api = server.api;
    admin = server.adminToken();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }
}
