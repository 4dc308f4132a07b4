/** The moderation audit log. */
export interface ModerationStore {
  addAudit(entry: AuditEntry): Promise<void>;
  /** The newest `limit` entries, newest first. */
  listAudit(limit: number): Promise<AuditRecord[]>;
}

export interface AuditEntry {
  ts: number;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
}

export interface AuditRecord extends AuditEntry {
  id: number;
}
