import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';

/**
 * A canonical hash of a request: the same parsed request (whatever the key order or the date
 * notation it came in) always gives the same fingerprint; any other request another one.
 */
export function fingerprint(request: unknown): string {
  return createHash('sha256')
    .update(stringify(request) ?? 'undefined')
    .digest('base64url');
}
