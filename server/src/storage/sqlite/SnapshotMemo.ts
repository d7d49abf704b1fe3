// Answers of the reader connection, kept until its snapshot moves. The reader sits in one read
// transaction between moves (DurableCommits), so the same query gives the same answer until
// then: serving it from memory is exactly as fresh as asking again. Every request authenticates
// its key, and under load several requests share each snapshot, so the key and organisation
// lookups are asked once per snapshot instead of once per request.

export class SnapshotMemo {
  private readonly answers = new Map<string, Promise<unknown>>();

  /** Forgets everything: called as the snapshot moves. */
  clear(): void {
    this.answers.clear();
  }

  /** The answer for `key` in this snapshot, asking `load` the first time. A failure is not kept. */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const known = this.answers.get(key) as Promise<T> | undefined;
    if (known) return known;
    const answer = load();
    this.answers.set(key, answer);
    answer.catch(() => {
      if (this.answers.get(key) === answer) this.answers.delete(key);
    });
    return answer;
  }
}

/**
 * Answers the named read methods of `repository` through `memo`, by replacing them on this
 * instance (so every other method, and `this` inside them, stay the repository's own).
 */
export function memoizeReads<R extends object, M extends keyof R & string>(
  repository: R, memo: SnapshotMemo, methods: readonly M[],
): R {
  for (const method of methods) {
    const read = (repository[method] as (...args: string[]) => Promise<unknown>).bind(repository);
    Object.defineProperty(repository, method, {
      value: (...args: string[]) => memo.get(`${method}\u0000${args.join('\u0000')}`, () => read(...args)),
    });
  }
  return repository;
}
