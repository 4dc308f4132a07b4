// PLACEHOLDER made by the web-client helper so the composer's lazy import builds. The fun helper
// owns this file: replace it with the real FunBar (props: { api: FunApi } from ../app/fun-api.js).
import type { FunApi } from '../app/fun-api.js';

export function FunBar(_props: { api: FunApi }) {
  return null;
}
