// Several `oms serve` processes can share one state. Each keeps the state in
// memory, and `read()` catches up with what the others committed before it
// answers (the file store rereads the journal's new lines; the PostgreSQL
// store selects operations above its own seq). A store that can also be TOLD
// when another process commits (PostgreSQL LISTEN/NOTIFY) implements this, so
// a server catches up at once, off the request path, instead of at its next
// poll or request.

export interface CommitWatch {
  /** Calls `listener` after another process committed; returns the way to stop listening. */
  watchCommits(listener: () => void): () => void;
}

export function commitWatchOf(store: object): CommitWatch | undefined {
  const watch = (store as Partial<CommitWatch>).watchCommits;
  return typeof watch === 'function' ? (store as CommitWatch) : undefined;
}
