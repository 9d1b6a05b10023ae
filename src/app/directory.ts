import type { Directory } from '../domain/directory.js';

/** The directory in force, swapped whole on SIGHUP so readers never see half a reload. */
export class DirectoryHolder {
  constructor(private current: Directory) {}
  get(): Directory {
    return this.current;
  }
  set(next: Directory): void {
    this.current = next;
  }
}
