package dev.sessiond.server.limits;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One connection's place under its {@link Ceilings}, given back exactly once however many of
 * its ends report (the channel closing, the response ending, a failed upgrade), from any thread.
 * Tied to a channel, it is also the channel's close listener: no other object per connection.
 */
public final class Permit implements GenericFutureListener<Future<? super Void>> {

  private static final AtomicIntegerFieldUpdater<Permit> RELEASED =
      AtomicIntegerFieldUpdater.newUpdater(Permit.class, "released");

  private final Ceilings from;
  private final String[] owners;
  private volatile int released;

  Permit(Ceilings from, String[] owners) {
    this.from = from;
    this.owners = owners;
  }

  /** Gives the place back; only the first call counts. */
  public void release() {
    if (RELEASED.compareAndSet(this, 0, 1)) {
      from.give(owners);
    }
  }

  /** Holds the place until {@code channel} closes, however it closes (already closed: released now). */
  public Permit heldUntilClosed(Channel channel) {
    channel.closeFuture().addListener(this);
    return this;
  }

  /** Gives the place back now and lets go of {@code channel}, which stays open (a keep-alive connection). */
  public void releaseFrom(Channel channel) {
    channel.closeFuture().removeListener(this);
    release();
  }

  @Override
  public void operationComplete(Future<? super Void> closed) {
    release();
  }
}
