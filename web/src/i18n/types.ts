import type { en } from './en.js';

/** Every language has exactly the keys of English (strings may differ). */
type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof en>;
