package dev.sessiond.server.limits;

/**
 * How many held reads of the event log this node serves at once, long polls
 * ({@code GET /api/events?wait=}) and Server-Sent Events streams together: in all and per caller
 * (a session, or the API token), 0: no limit. Each holds a request open and a place in the
 * event feed's wake list until it is answered or its client leaves.
 */
public final class EventStreamLimits {

  private final Ceilings ceilings;

  public EventStreamLimits(int inAll, int perCaller) {
    this.ceilings = new Ceilings(inAll,
        "this server holds as many long polls and event streams as it allows (%d); try again later",
        new int[] {perCaller},
        "this caller holds %d long polls and event streams, the most allowed; close one first");
  }

  /** A place for one more held read by {@code caller} (a session ID, or a name for the API token). */
  public Permit take(String caller) {
    return ceilings.take(caller);
  }

  public int inAll() {
    return ceilings.inAll();
  }

  public int of(String caller) {
    return ceilings.of(0, caller);
  }
}
