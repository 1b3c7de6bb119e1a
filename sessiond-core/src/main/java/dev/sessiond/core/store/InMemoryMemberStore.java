package dev.sessiond.core.store;

import static java.util.concurrent.CompletableFuture.completedFuture;
import static java.util.concurrent.CompletableFuture.failedFuture;

import dev.sessiond.core.Member;
import dev.sessiond.core.SessiondException;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/** Members in memory only: for tests and for running without persistence. Thread-safe. */
public final class InMemoryMemberStore implements MemberStore {

  private final TreeMap<String, Member> byId = new TreeMap<>();

  @Override
  public synchronized CompletionStage<Void> create(Member member) {
    if (byId.values().stream().anyMatch(m -> m.username().equals(member.username()))) {
      return failedFuture(new SessiondException.Conflict("username is taken"));
    }
    if (byId.containsKey(member.id())) {
      return failedFuture(new SessiondException.Conflict("member ID is taken"));
    }
    byId.put(member.id(), member);
    return completedFuture(null);
  }

  @Override
  public synchronized CompletionStage<Optional<Member>> findById(String id) {
    return completedFuture(Optional.ofNullable(byId.get(id)));
  }

  @Override
  public synchronized CompletionStage<Optional<Member>> findByUsername(String username) {
    return completedFuture(byId.values().stream().filter(m -> m.username().equals(username)).findFirst());
  }

  @Override
  public synchronized CompletionStage<List<Member>> list(int offset, int limit) {
    return completedFuture(byId.values().stream().skip(offset).limit(limit).toList());
  }

  @Override
  public synchronized CompletionStage<Integer> update(Member member) {
    return completedFuture(byId.replace(member.id(), member) == null ? 0 : 1);
  }

  @Override
  public synchronized CompletionStage<Integer> delete(String id) {
    return completedFuture(byId.remove(id) == null ? 0 : 1);
  }

  @Override
  public synchronized CompletionStage<Long> count() {
    return completedFuture((long) byId.size());
  }

  @Override
  public void close() {}
}
