/**
 * A little storage a platform adapter may keep its own records in, shared by every instance
 * (Redis under the deployment's prefix; adapters/redis/keyValue.ts). Keys are the adapter's own.
 */
export interface KeyValue {
  get(key: string): Promise<string | undefined>;
  put(key: string, value: string): Promise<void>;
  /** Sets the key only when it is absent (across instances): true when this call set it. */
  putNew(key: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Reads and deletes in one step. */
  take(key: string): Promise<string | undefined>;
  remove(key: string): Promise<void>;
  /** Deletes the key only while it still holds `value` (a lock's holder letting go). */
  removeIf(key: string, value: string): Promise<boolean>;
  members(key: string): Promise<string[]>;
  addMember(key: string, member: string): Promise<void>;
  /** True when the member was there (the one caller that removed it, across instances). */
  removeMember(key: string, member: string): Promise<boolean>;
}
