package dev.sessiond.core.store;

import dev.sessiond.core.Member;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where members live. Every backend passes {@code MemberStoreContract}. Changes are durable
 * when their stage completes; a taken username fails the stage with
 * {@code SessiondException.Conflict}.
 */
public interface MemberStore extends AutoCloseable {

  CompletionStage<Void> create(Member member);

  CompletionStage<Optional<Member>> findById(String id);

  CompletionStage<Optional<Member>> findByUsername(String username);

  /** Members in ID order. */
  CompletionStage<List<Member>> list(int offset, int limit);

  /** Replaces the member with the same ID; returns 0 if there is none. */
  CompletionStage<Integer> update(Member member);

  CompletionStage<Integer> delete(String id);

  CompletionStage<Long> count();

  @Override
  void close();
}
