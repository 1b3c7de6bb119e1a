package dev.sessiond.core;

import java.util.regex.Pattern;

/** The shape of a user ID that a trusted backend may name: what the seed API accepts. */
public final class UserIds {

  public static final int MAX_LENGTH = 128;
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._:@-]+");

  private UserIds() {}

  public static String require(String userId) {
    if (userId == null || userId.isEmpty()) {
      throw new SessiondException.Invalid("user ID is empty");
    }
    if (userId.length() > MAX_LENGTH) {
      throw new SessiondException.Invalid("user ID is longer than " + MAX_LENGTH + " characters");
    }
    if (!ALLOWED.matcher(userId).matches()) {
      throw new SessiondException.Invalid("user ID may hold only letters, digits and . _ : @ -");
    }
    return userId;
  }
}
