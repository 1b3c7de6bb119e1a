package dev.sessiond.server.limits;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.impl.http1.VertxHttpObject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1 connection's clocks (see {@link HttpTimeouts}). Runs on the connection's event loop
 * only. A request is "being read" from its first byte to the end of its body; "owed" an answer
 * from then to the end of its response. The connection is reading (deadline: the read timeout
 * after the request's first byte), owed (no deadline), or idle (deadline: the idle timeout
 * after the last answer).
 *
 * <p>Two handlers: this one after the HTTP encoder sees requests decoded and responses whole;
 * {@link #bytesIn()}, before the decoder, sees that bytes came at all, so that half a request
 * head (which decodes to nothing yet) is told from a read that brought nothing.
 *
 * <p>Nothing is scheduled per request: the events only note the time, and one timer per
 * connection wakes at the current deadline or after one read timeout, whichever is first, and
 * looks. So a request that starts reading at any moment is checked at most one read timeout
 * later, exactly at its deadline. The type checks are on concrete classes first, as Vert.x's
 * own handlers do, so the verify path pays two field writes and a clock read per request.
 */
final class ConnectionTimer extends ChannelDuplexHandler implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionTimer.class);

  private final long readNanos;
  private final long idleNanos;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  /** Part of a request (some bytes, a head, part of a body) has come and not its end. */
  private boolean reading;
  private long readingSince;
  /** Requests read in full less responses ended; below 0 while a response ended before its request's body did. */
  private int owed;
  private long idleSince;
  /** Since the last read completed: bytes came, and a message was decoded from them. */
  private boolean bytesCame;
  private boolean decoded;
  private final BytesIn bytesIn = new BytesIn();

  ConnectionTimer(long readNanos, long idleNanos) {
    this.readNanos = readNanos;
    this.idleNanos = idleNanos;
  }

  /** The handler to put before the HTTP decoder. */
  ChannelInboundHandlerAdapter bytesIn() {
    return bytesIn;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    // The connection's first request is read from the moment it connects: a client that says nothing is timed too.
    reading = true;
    readingSince = System.nanoTime();
    schedule(readNanos);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    decoded = true;
    // Before passing it on: the answer may be written, and counted, before channelRead returns.
    if (msg == LastHttpContent.EMPTY_LAST_CONTENT) {
      requestRead();
    } else if (msg instanceof DefaultHttpRequest) {
      if (!reading) {
        reading = true;
        readingSince = System.nanoTime();
      }
    } else if (msg instanceof LastHttpContent) {
      requestRead();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (bytesCame && !decoded && !reading) {
      // Bytes came that are no message yet: the start of a head, which the read timeout now times.
      reading = true;
      readingSince = System.nanoTime();
    }
    bytesCame = false;
    decoded = false;
    ctx.fireChannelReadComplete();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof VertxHttpObject response) {
      if (response.isEnded()) {
        answered();
      }
      ctx.write(msg, promise);
    } else if (msg instanceof HttpResponse response && HttpResponseStatus.SWITCHING_PROTOCOLS.equals(response.status())) {
      // A WebSocket handshake's answer: from here on the connection is no longer HTTP.
      ctx.write(msg, promise);
      ctx.pipeline().remove(this);
      if (ctx.pipeline().context(bytesIn) != null) {
        ctx.pipeline().remove(bytesIn);
      }
    } else {
      ctx.write(msg, promise);
    }
  }

  private void requestRead() {
    reading = false;
    owed++;
    idleIfDone();
  }

  private void answered() {
    owed--;
    idleIfDone();
  }

  private void idleIfDone() {
    if (!reading && owed <= 0) {
      owed = 0;
      idleSince = System.nanoTime();
    }
  }

  /** The timer: closes the connection past its deadline, else looks again at the deadline or after one read timeout. */
  @Override
  public void run() {
    timer = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    long left;
    if (reading) {
      left = readingSince + readNanos - now;
      if (left <= 0) {
        LOG.debug("closing a connection that sent no whole request in {} ms", TimeUnit.NANOSECONDS.toMillis(readNanos));
      }
    } else if (owed > 0) {
      left = readNanos;
    } else {
      left = idleSince + idleNanos - now;
      if (left <= 0) {
        LOG.debug("closing a connection idle for {} ms", TimeUnit.NANOSECONDS.toMillis(idleNanos));
      }
    }
    if (left <= 0) {
      ctx.close();
    } else {
      schedule(Math.min(left, readNanos));
    }
  }

  private void schedule(long nanos) {
    timer = ctx.executor().schedule(this, nanos, TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** Before the HTTP decoder: notes that a read brought bytes. */
  private final class BytesIn extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
        bytesCame = true;
      }
      ctx.fireChannelRead(msg);
    }
  }
}
