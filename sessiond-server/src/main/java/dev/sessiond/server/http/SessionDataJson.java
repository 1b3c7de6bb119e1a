package dev.sessiond.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.sessiond.core.Profile;
import dev.sessiond.server.wire.SessionData;
import dev.sessiond.server.wire.SessionState;
import java.io.IOException;
import java.time.Instant;

/**
 * SessionData (the answer of every verification) written field by field on Jackson's generator,
 * exactly as the mapper would write the record (same names, order and omitted nulls; the tests
 * compare the two), without the per-property machinery of a bean serializer. A profile with
 * plugins goes through the mapper's own serializer, which knows how to write any value.
 */
final class SessionDataJson extends StdSerializer<SessionData> {

  private static final SerializedString ID = new SerializedString("id");
  private static final SerializedString USER_ID = new SerializedString("user_id");
  private static final SerializedString PROFILE = new SerializedString("profile");
  private static final SerializedString STATE = new SerializedString("state");
  private static final SerializedString CREATED_AT = new SerializedString("created_at");
  private static final SerializedString LAST_SEEN_AT = new SerializedString("last_seen_at");
  private static final SerializedString EXPIRES_AT = new SerializedString("expires_at");
  private static final SerializedString IP = new SerializedString("ip");
  private static final SerializedString USER_AGENT = new SerializedString("user_agent");
  private static final SerializedString CLIENT = new SerializedString("client");
  private static final SerializedString CURRENT = new SerializedString("current");
  private static final SerializedString TOKEN = new SerializedString("token");

  private static final SerializedString NAME = new SerializedString("name");
  private static final SerializedString IS_ADMIN = new SerializedString("is_admin");
  private static final SerializedString CAN_LOGIN = new SerializedString("can_login");
  private static final SerializedString CAN_CONNECT = new SerializedString("can_connect");
  private static final SerializedString CAN_WATCH = new SerializedString("can_watch");
  private static final SerializedString CAN_HOST = new SerializedString("can_host");
  private static final SerializedString CAN_SHARE_MEDIA = new SerializedString("can_share_media");
  private static final SerializedString CAN_ACCESS_CLIPBOARD = new SerializedString("can_access_clipboard");
  private static final SerializedString SENDS_INACTIVE_CURSOR = new SerializedString("sends_inactive_cursor");
  private static final SerializedString CAN_SEE_INACTIVE_CURSORS = new SerializedString("can_see_inactive_cursors");
  private static final SerializedString PLUGINS = new SerializedString("plugins");

  private static final SerializedString IS_CONNECTED = new SerializedString("is_connected");
  private static final SerializedString IS_WATCHING = new SerializedString("is_watching");
  private static final SerializedString CONNECTED_SINCE = new SerializedString("connected_since");
  private static final SerializedString NOT_CONNECTED_SINCE = new SerializedString("not_connected_since");
  private static final SerializedString CONNECTIONS = new SerializedString("connections");

  SessionDataJson() {
    super(SessionData.class);
  }

  @Override
  public void serialize(SessionData d, JsonGenerator gen, SerializerProvider provider) throws IOException {
    write(d, gen, provider);
  }

  /** True when {@link #write} needs no serializer provider for {@code d} (its profile has no plugins). */
  static boolean needsNoMapper(SessionData d) {
    return d.profile() == null || d.profile().plugins().isEmpty();
  }

  /** {@code provider} may be null when {@link #needsNoMapper}. */
  static void write(SessionData d, JsonGenerator gen, SerializerProvider provider) throws IOException {
    gen.writeStartObject(d);
    string(gen, ID, d.id());
    string(gen, USER_ID, d.userId());
    if (d.profile() != null) {
      gen.writeFieldName(PROFILE);
      profile(d.profile(), gen, provider);
    }
    if (d.state() != null) {
      gen.writeFieldName(STATE);
      state(d.state(), gen);
    }
    instant(gen, CREATED_AT, d.createdAt());
    instant(gen, LAST_SEEN_AT, d.lastSeenAt());
    instant(gen, EXPIRES_AT, d.expiresAt());
    string(gen, IP, d.ip());
    string(gen, USER_AGENT, d.userAgent());
    string(gen, CLIENT, d.client());
    if (d.current() != null) {
      gen.writeFieldName(CURRENT);
      gen.writeBoolean(d.current());
    }
    string(gen, TOKEN, d.token());
    gen.writeEndObject();
  }

  private static void profile(Profile p, JsonGenerator gen, SerializerProvider provider) throws IOException {
    if (!p.plugins().isEmpty()) {
      provider.findValueSerializer(Profile.class).serialize(p, gen, provider);
      return;
    }
    gen.writeStartObject(p);
    string(gen, NAME, p.name());
    bool(gen, IS_ADMIN, p.isAdmin());
    bool(gen, CAN_LOGIN, p.canLogin());
    bool(gen, CAN_CONNECT, p.canConnect());
    bool(gen, CAN_WATCH, p.canWatch());
    bool(gen, CAN_HOST, p.canHost());
    bool(gen, CAN_SHARE_MEDIA, p.canShareMedia());
    bool(gen, CAN_ACCESS_CLIPBOARD, p.canAccessClipboard());
    bool(gen, SENDS_INACTIVE_CURSOR, p.sendsInactiveCursor());
    bool(gen, CAN_SEE_INACTIVE_CURSORS, p.canSeeInactiveCursors());
    gen.writeFieldName(PLUGINS);
    gen.writeStartObject();
    gen.writeEndObject();
    gen.writeEndObject();
  }

  private static void state(SessionState s, JsonGenerator gen) throws IOException {
    gen.writeStartObject(s);
    bool(gen, IS_CONNECTED, s.isConnected());
    bool(gen, IS_WATCHING, s.isWatching());
    instant(gen, CONNECTED_SINCE, s.connectedSince());
    instant(gen, NOT_CONNECTED_SINCE, s.notConnectedSince());
    gen.writeFieldName(CONNECTIONS);
    gen.writeNumber(s.connections());
    gen.writeEndObject();
  }

  private static void string(JsonGenerator gen, SerializedString name, String value) throws IOException {
    if (value != null) {
      gen.writeFieldName(name);
      gen.writeString(value);
    }
  }

  private static void bool(JsonGenerator gen, SerializedString name, boolean value) throws IOException {
    gen.writeFieldName(name);
    gen.writeBoolean(value);
  }

  private static void instant(JsonGenerator gen, SerializedString name, Instant value) throws IOException {
    if (value != null) {
      gen.writeFieldName(name);
      gen.writeString(IsoInstants.format(value));
    }
  }
}
