package dev.sessiond.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import dev.sessiond.core.SessiondException;
import dev.sessiond.server.wire.SessionData;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * The one JSON mapping of the HTTP edge: snake_case names, ISO-8601 UTC times, absent instead
 * of null, and strict input (a number is not a string, a string is not a boolean).
 */
public final class Json {

  public static final ObjectMapper MAPPER = build(true);

  private Json() {}

  /**
   * {@code fast}: with the serializers that write what the mapper would, for less work (every
   * verification writes a SessionData); without them only to check that they do (tests).
   */
  static ObjectMapper build(boolean fast) {
    SimpleModule same = new SimpleModule("sessiond-fast-paths");
    if (fast) {
      same.addSerializer(Instant.class, new IsoInstants()).addSerializer(SessionData.class, new SessionDataJson());
    }
    ObjectMapper mapper = JsonMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .addModule(new JavaTimeModule())
        // After JavaTimeModule, so that its Instant serializer is the one used.
        .addModule(same)
        .addModule(new BlackbirdModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
        .build();
    refuse(mapper, LogicalType.Textual, CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean);
    refuse(mapper, LogicalType.Boolean, CoercionInputShape.Integer, CoercionInputShape.Float,
        CoercionInputShape.String, CoercionInputShape.EmptyString);
    refuse(mapper, LogicalType.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean,
        CoercionInputShape.String, CoercionInputShape.EmptyString);
    return mapper;
  }

  private static void refuse(ObjectMapper mapper, LogicalType type, CoercionInputShape... shapes) {
    for (CoercionInputShape shape : shapes) {
      mapper.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail);
    }
  }

  /**
   * {@code value} as JSON, written straight into the buffer that is sent. A SessionData (the
   * answer of every verification) is written as bytes by {@link SessionDataBytes}, without a
   * generator, when it has nothing only the mapper can write (plugins).
   */
  public static Buffer encode(Object value) {
    if (value instanceof SessionData d && SessionDataJson.needsNoMapper(d)) {
      return SessionDataBytes.encode(d);
    }
    Buffer out = Buffer.buffer(1024);
    try (JsonGenerator gen = MAPPER.createGenerator(new BufferOutput(out), JsonEncoding.UTF8)) {
      MAPPER.writeValue(gen, value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
    return out;
  }

  /** Appends to a Vert.x buffer; the generator writes its own buffer into it once, when closed. */
  private static final class BufferOutput extends OutputStream {
    private final Buffer buffer;

    BufferOutput(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      buffer.appendBytes(b, off, len);
    }
  }

  /** The request body as {@code type}; Invalid with a short reason if it is not that. */
  public static <T> T body(RoutingContext ctx, Class<T> type) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw new SessiondException.Invalid("request body must be a JSON object");
    }
    try {
      T value = MAPPER.readValue(body.getBytes(), type);
      if (value == null) {
        throw new SessiondException.Invalid("request body must be a JSON object");
      }
      return value;
    } catch (MismatchedInputException e) {
      String field = e.getPath().stream()
          .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
          .collect(Collectors.joining("."));
      throw new SessiondException.Invalid(field.isEmpty()
          ? "request body must be a JSON object"
          : "field '" + field + "' has the wrong type");
    } catch (IOException e) {
      throw new SessiondException.Invalid("request body is not valid JSON");
    }
  }
}
