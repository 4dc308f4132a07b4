import { useEffect, useState } from 'react';
import type { FunApi } from '../../app/fun-api';
import { useFunT } from '../i18n';
import { downloadBlob } from '../ui/media-errors';
import { Modal } from '../ui/Modal';
import { snapshotFileName, snapshots, SnapshotStore, type Snapshot } from './store';

interface Shown extends Snapshot {
  url: string;
}

/** The screenshots kept in this browser: send one to the open conversation, download or delete it. */
export function SnapshotsGallery(props: { api: FunApi; onClose: () => void }) {
  const t = useFunT();
  const [items, setItems] = useState<Shown[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    if (!SnapshotStore.available()) return;
    let urls: string[] = [];
    let stale = false;
    const load = () =>
      void snapshots.list().then((list) => {
        if (stale) return;
        urls.forEach((u) => URL.revokeObjectURL(u));
        const shown = list.map((s) => ({ ...s, url: URL.createObjectURL(s.blob) }));
        urls = shown.map((s) => s.url);
        setItems(shown);
      });
    load();
    const off = snapshots.subscribe(load);
    return () => {
      stale = true;
      off();
      urls.forEach((u) => URL.revokeObjectURL(u));
    };
  }, []);

  const send = async (s: Snapshot) => {
    setBusy(s.id);
    try {
      await props.api.sendFile(new File([s.blob], snapshotFileName(s), { type: 'image/png' }), { kind: 'image' });
    } catch {
      // shown by the chat
    } finally {
      setBusy(null);
    }
  };

  return (
    <Modal title={t('shot.gallery')} onClose={props.onClose} wide>
      {!SnapshotStore.available() ? (
        <p className="fun-error">{t('shot.unavailable')}</p>
      ) : items === null ? (
        <p className="fun-muted">…</p>
      ) : items.length === 0 ? (
        <p className="fun-muted">{t('shot.empty')}</p>
      ) : (
        <ul className="fun-gallery" data-testid="snapshots">
          {items.map((s) => (
            <li key={s.id} className="fun-gallery-item" data-kind={s.kind}>
              <img src={s.url} alt={snapshotFileName(s)} loading="lazy" />
              <span className="fun-small fun-muted">
                {new Date(s.createdAt).toLocaleString()} · {s.width}×{s.height}
              </span>
              <span className="fun-actions">
                <button type="button" className="fun-primary" disabled={busy === s.id} onClick={() => void send(s)}>{t('shot.send')}</button>
                <button type="button" onClick={() => downloadBlob(s.blob, snapshotFileName(s))}>{t('shot.download')}</button>
                <button type="button" onClick={() => void snapshots.remove(s.id)}>{t('shot.delete')}</button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}
