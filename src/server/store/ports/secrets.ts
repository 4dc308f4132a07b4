/** Server secrets (the key that signs file links), shared by every node of one database. */
export interface SecretStore {
  /**
   * The secret stored under `name`; if there is none yet, `fresh` is stored and returned. Nodes
   * starting together all get the one value that was stored first.
   */
  getOrCreate(name: string, fresh: string): Promise<string>;
}
