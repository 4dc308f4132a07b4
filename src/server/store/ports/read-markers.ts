/** Read markers: one per user and conversation, only ever moving forward. */
export interface ReadMarkerStore {
  /**
   * Moves the user's read marker of a conversation to `seq` if that is further than it is (a user
   * without one has 0). Resolves with the marker as it stands afterwards (the larger of the old one
   * and `seq`) and whether it moved. Writes resolve in the order they were called.
   */
  advance(userId: number, conv: string, seq: number): Promise<{ seq: number; moved: boolean }>;
  /** Every read marker of a user, in no particular order. */
  listOf(userId: number): Promise<ReadMarker[]>;
}

export interface ReadMarker {
  conv: string;
  seq: number;
}
