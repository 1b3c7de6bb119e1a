package dev.sessiond.store.redis;

import dev.sessiond.core.Member;
import dev.sessiond.core.store.MemberStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Members whose creation, change (a new password, a right taken away) and deletion complete once
 * the replicas hold them ({@link Replication}), so that a failover never restores an old password
 * or a removed right. Reads go to {@code reads}. Thread-safe.
 */
public final class ReplicatedMemberStore implements MemberStore {

  private final MemberStore reads;
  private final MemberStore changes;
  private final Replication replication;

  /** {@code changes} must be a store on the replication's connection. */
  public ReplicatedMemberStore(MemberStore reads, MemberStore changes, Replication replication) {
    this.reads = reads;
    this.changes = changes;
    this.replication = replication;
  }

  @Override
  public CompletionStage<Void> create(Member member) {
    return replication.after("a new member", changes.create(member));
  }

  @Override
  public CompletionStage<Optional<Member>> findById(String id) {
    return reads.findById(id);
  }

  @Override
  public CompletionStage<Optional<Member>> findByUsername(String username) {
    return reads.findByUsername(username);
  }

  @Override
  public CompletionStage<List<Member>> list(int offset, int limit) {
    return reads.list(offset, limit);
  }

  @Override
  public CompletionStage<Integer> update(Member member) {
    return replication.after("a member's change", changes.update(member));
  }

  @Override
  public CompletionStage<Integer> delete(String id) {
    return replication.after("a member's deletion", changes.delete(id));
  }

  @Override
  public CompletionStage<Long> count() {
    return reads.count();
  }

  /** Closes the stores; the connections are their owner's to close. */
  @Override
  public void close() {
    reads.close();
    changes.close();
  }
}
