import type Database from 'better-sqlite3';

/**
 * The service's SQLite file (store/sqlite-database.ts satisfies this): one connection, writes
 * join its group transaction and `flush` commits it. The inbox shares that connection rather
 * than opening a second one: better-sqlite3 is synchronous, and a second writer would wait on the
 * first one's open transaction while blocking the only thread that can commit it.
 */
export interface SqliteHandle {
  readonly db: Database.Database;
  write(): void;
  flush(): Promise<void>;
}

/** A write the caller may answer for: committed when this resolves. */
export async function committed<T>(sql: SqliteHandle, write: () => T): Promise<T> {
  sql.write();
  const result = write();
  await sql.flush();
  return result;
}
