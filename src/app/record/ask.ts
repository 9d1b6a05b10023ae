import { Refused } from '../errors.js';
import { RecordUnavailable } from './port.js';

/** The record cannot be reached: the caller's 503, in words. */
export const recordDown = (): Refused => Refused.of('unavailable', undefined, 'unavailable.record');

/** Runs a use case's reading of the record; a database out of reach becomes the 503 refusal. */
export async function ask<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof RecordUnavailable) throw recordDown();
    throw err;
  }
}
