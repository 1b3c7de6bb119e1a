package dev.sessiond.core;

import java.time.Instant;
import java.util.Objects;

/** A person who can log in with a username and password. The password is held only as a hash. */
public record Member(String id, String username, String passwordHash, Profile profile, Instant createdAt) {

  public Member {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(passwordHash, "passwordHash");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  public Member withProfile(Profile newProfile) {
    return new Member(id, username, passwordHash, newProfile, createdAt);
  }

  public Member withPasswordHash(String newHash) {
    return new Member(id, username, newHash, profile, createdAt);
  }
}
