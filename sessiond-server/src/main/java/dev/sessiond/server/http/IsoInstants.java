package dev.sessiond.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/**
 * Instants as JSON strings, character for character what {@link DateTimeFormatter#ISO_INSTANT}
 * writes ({@code 2026-11-25T01:10:00.123Z}; the fraction in groups of three digits, none when
 * zero), without the formatter's intermediate objects: every verify answer carries three. Years
 * outside 0000 to 9999 go through the formatter itself.
 */
final class IsoInstants extends StdSerializer<Instant> {

  private static final long MIN_SECOND = LocalDate.of(0, 1, 1).toEpochDay() * 86_400;
  private static final long MAX_SECOND = LocalDate.of(10_000, 1, 1).toEpochDay() * 86_400 - 1;

  IsoInstants() {
    super(Instant.class);
  }

  @Override
  public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
    gen.writeString(format(value));
  }

  static String format(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds < MIN_SECOND || seconds > MAX_SECOND) {
      return DateTimeFormatter.ISO_INSTANT.format(t);
    }
    byte[] b = new byte[30];
    int end = write(t, b, 0);
    return new String(b, 0, end, StandardCharsets.ISO_8859_1);
  }

  /**
   * Writes {@link #format}{@code (t)} as ASCII bytes into {@code b} at {@code at} (30 bytes of room
   * suffice for years 0000 to 9999); returns the position after it.
   */
  static int write(Instant t, byte[] b, int at) {
    long seconds = t.getEpochSecond();
    int nano = t.getNano();
    if (seconds < MIN_SECOND || seconds > MAX_SECOND) {
      String text = DateTimeFormatter.ISO_INSTANT.format(t);
      byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
      if (at + bytes.length > b.length) {
        throw new IndexOutOfBoundsException("no room for " + text);
      }
      System.arraycopy(bytes, 0, b, at, bytes.length);
      return at + bytes.length;
    }
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
    int secondOfDay = Math.floorMod(seconds, 86_400);
    int digits = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
    put(b, at, date.getYear(), 4);
    b[at + 4] = '-';
    put(b, at + 5, date.getMonthValue(), 2);
    b[at + 7] = '-';
    put(b, at + 8, date.getDayOfMonth(), 2);
    b[at + 10] = 'T';
    put(b, at + 11, secondOfDay / 3600, 2);
    b[at + 13] = ':';
    put(b, at + 14, secondOfDay / 60 % 60, 2);
    b[at + 16] = ':';
    put(b, at + 17, secondOfDay % 60, 2);
    at += 19;
    if (digits > 0) {
      b[at++] = '.';
      put(b, at, nano / pow10(9 - digits), digits);
      at += digits;
    }
    b[at++] = 'Z';
    return at;
  }

  private static int pow10(int n) {
    int p = 1;
    for (int i = 0; i < n; i++) {
      p *= 10;
    }
    return p;
  }

  /** {@code value} as exactly {@code width} decimal digits, zero-padded, at {@code at}. */
  private static void put(byte[] b, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      b[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }
}
