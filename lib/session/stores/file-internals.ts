import type { FileLayout, FileRecord } from "./file-layout";
import type { FileLocks } from "./file-lock";

/** What the sweep and the device list use of the file store (FileStore implements it; they need not import it). */
export interface FileStoreInternals {
  readonly layout: FileLayout;
  readonly locks: FileLocks;
  /** Runs `work` under `keyHash`'s lock on the session's current record. */
  writing<T>(keyHash: string, work: (record: FileRecord | undefined, now: number) => Promise<T>): Promise<T>;
  /** Ends a record (a tombstone, as end() leaves); whether it was live. */
  endRecord(keyHash: string, old: FileRecord | undefined, now: number): Promise<boolean>;
  /** Deletes a session's file and its index entries. */
  removeSession(keyHash: string, old: FileRecord): Promise<void>;
  /** The file that lists `keyHash` among `userId`'s sessions. */
  userEntry(userId: number, keyHash: string): string;
}
