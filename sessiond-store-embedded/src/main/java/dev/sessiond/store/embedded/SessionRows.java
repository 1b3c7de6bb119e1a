package dev.sessiond.store.embedded;

import dev.sessiond.core.Profile;
import dev.sessiond.core.store.SessionIndex;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The start-up scan of the sessions table, one value per row: SQLite packs each row's columns
 * into one BLOB ({@link #PACKED}), so a row costs one call into the driver instead of one per
 * column (each a lock, a native call and a String), and its fields are decoded here from the
 * bytes. Neighbouring rows (one user's sessions) share their user ID, profile, IP and user
 * agent, which are compared as bytes with the previous row's before any String is made.
 *
 * <p>A packed row: the four times and the byte lengths of the first five texts as decimal
 * numbers, each followed by a space, then the texts back to back (user agent last, its length
 * the rest).
 */
final class SessionRows {

  static final String PACKED = "SELECT CAST(expires_at || ' ' || created_at || ' ' || last_seen_at || ' ' || deadline"
      + " || ' ' || octet_length(user_id) || ' ' || octet_length(id) || ' ' || octet_length(token_hash)"
      + " || ' ' || octet_length(profile) || ' ' || octet_length(ip) || ' '"
      + " || user_id || id || token_hash || profile || ip || user_agent AS BLOB) FROM sessions";

  private final ProfileCache profiles = new ProfileCache();
  // Many sessions share an IP or a user agent: keep one copy of each (bounded) instead of one per row.
  private final Map<String, String> shared = new HashMap<>();
  private final Text user = new Text();
  private final Text profile = new Text();
  private final Text ip = new Text();
  private final Text userAgent = new Text();
  private Profile lastProfile;
  private byte[] row;
  private int at;

  /**
   * Adds the rows live at {@code now} to {@code loader}; collects the (user ID, ID) of the others
   * in {@code expired}.
   */
  void scan(Connection c, long now, SessionIndex.Loader loader, List<String[]> expired) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(PACKED)) {
      q.setFetchSize(10_000);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          row = rs.getBytes(1);
          at = 0;
          long expiresAt = number();
          long createdAt = number();
          long lastSeenAt = number();
          long deadline = number();
          int userLength = (int) number();
          int idLength = (int) number();
          int hashLength = (int) number();
          int profileLength = (int) number();
          int ipLength = (int) number();
          int userAt = at;
          String id = string(userAt + userLength, idLength);
          if (expiresAt <= now) {
            expired.add(new String[] {string(userAt, userLength), id});
            continue;
          }
          int hashAt = userAt + userLength + idLength;
          int profileAt = hashAt + hashLength;
          int ipAt = profileAt + profileLength;
          int uaAt = ipAt + ipLength;
          String userId = user.same(row, userAt, userLength) ? user.value : user.set(row, userAt, userLength, null);
          Profile p = profile.same(row, profileAt, profileLength) ? lastProfile
              : (lastProfile = profiles.read(profile.set(row, profileAt, profileLength, null)));
          loader.add(id, userId, string(hashAt, hashLength), p, createdAt, lastSeenAt, expiresAt, deadline,
              ip.same(row, ipAt, ipLength) ? ip.value : ip.set(row, ipAt, ipLength, shared),
              userAgent.same(row, uaAt, row.length - uaAt) ? userAgent.value
                  : userAgent.set(row, uaAt, row.length - uaAt, shared));
        }
      }
    }
  }

  private long number() {
    boolean negative = row[at] == '-';
    if (negative) {
      at++;
    }
    long n = 0;
    for (byte b; (b = row[at++]) != ' '; ) {
      n = n * 10 + (b - '0');
    }
    return negative ? -n : n;
  }

  private String string(int from, int length) {
    return new String(row, from, length, StandardCharsets.UTF_8);
  }

  /** The previous row's bytes of one field, and the String made of them. */
  private static final class Text {
    private byte[] bytes = new byte[0];
    private int length = -1;
    String value;

    boolean same(byte[] row, int from, int n) {
      return n == length && Arrays.equals(bytes, 0, n, row, from, from + n);
    }

    String set(byte[] row, int from, int n, Map<String, String> shared) {
      if (bytes.length < n) {
        bytes = new byte[Math.max(n, bytes.length * 2)];
      }
      System.arraycopy(row, from, bytes, 0, n);
      length = n;
      String s = new String(row, from, n, StandardCharsets.UTF_8);
      if (shared != null) {
        String seen = shared.get(s);
        if (seen != null) {
          s = seen;
        } else if (shared.size() < 100_000) {
          shared.put(s, s);
        }
      }
      value = s;
      return s;
    }
  }
}
