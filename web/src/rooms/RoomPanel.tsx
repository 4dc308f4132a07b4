import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoomInfo, RoomMemberInfo } from '../../../src/protocol/messages.js';
import { ConfirmDialog, type Confirmation } from '../admin/ConfirmDialog.js';
import { DEFAULT_MUTE_MINUTES, DurationField } from '../admin/DurationField.js';
import type { ChatStore } from '../app/chat-store.js';
import { initial, nameHue } from '../chat/format.js';
import { Modal } from './Modal.js';
import { canManageRoom, runRoomAction } from './room-actions.js';

/**
 * A room's details: topic, members (online or not) and Leave; for its owner (or an admin) also
 * editing the topic, inviting, removing, muting within the room and handing ownership over.
 * A member's name opens a private chat with them.
 */
export function RoomPanel({ store, room, me, role, onClose, onOpenChat }: { store: ChatStore; room: RoomInfo; me: string; role: string; onClose: () => void; onOpenChat: (conv: string) => void }) {
  const { t } = useTranslation();
  const [members, setMembers] = useState<RoomMemberInfo[] | undefined>();
  const [topic, setTopic] = useState(room.topic);
  const [invitee, setInvitee] = useState('');
  const [confirm, setConfirm] = useState<Confirmation | undefined>();
  const muteMinutes = useRef<number | undefined>(DEFAULT_MUTE_MINUTES);
  const manage = canManageRoom(room, me, role);
  const name = room.room;
  const refresh = useCallback(() => {
    store.session.request('members', { room: name }).then(
      (r) => setMembers(r.members),
      () => undefined,
    );
  }, [store, name]);
  // After an action the list is fetched again (not every change is an event to the owner).
  const run = (request: () => Promise<unknown>, done: string) =>
    runRoomAction(store, t, request, done).then((ok) => {
      if (ok) refresh();
      return ok;
    });
  const muteAsked = (user: string) => {
    muteMinutes.current = DEFAULT_MUTE_MINUTES;
    setConfirm({
      text: t('rooms.muteConfirm', { user, room: name }),
      action: t('rooms.mute'),
      body: <DurationField onChange={(m) => (muteMinutes.current = m)} />,
      run: () => run(() => store.session.request('room_mute', { room: name, user, ...(muteMinutes.current !== undefined ? { minutes: muteMinutes.current } : {}) }), t('rooms.muted', { user })).then(() => undefined),
    });
  };

  useEffect(() => {
    refresh();
    // Bursts of changes (presence in a busy server) make one request.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    };
    const s = store.session;
    const mine = (e: { room: string }) => e.room.toLowerCase() === name.toLowerCase() && soon();
    const offs = [s.on('joined', mine), s.on('left', mine), s.on('members', mine), s.on('owner', mine), s.on('room_muted', mine), s.on('presence', soon)];
    return () => {
      clearTimeout(timer);
      offs.forEach((off) => off());
    };
  }, [store, name, refresh]);
  useEffect(() => setTopic(room.topic), [room.topic]);

  return (
    <Modal title={t('rooms.panel')} onClose={onClose} className="room-panel">
      <div className="room-panel-body" data-testid="room-panel">
        <h3 className="room-panel-name">{name}</h3>
        {manage ? (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => store.session.request('topic', { room: name, topic: topic.trim() }), t('rooms.topicSaved'));
            }}
          >
            <label className="field grow">
              <span>{t('rooms.editTopic')}</span>
              <input value={topic} onChange={(e) => setTopic(e.target.value)} maxLength={2000} />
            </label>
            <button type="submit" className="small-button">
              {t('rooms.saveTopic')}
            </button>
          </form>
        ) : (
          <p className="room-panel-topic">{room.topic || t('rooms.topicNone')}</p>
        )}
        {manage && (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              const user = invitee.trim();
              if (!user) return;
              void run(() => store.session.request('invite', { room: name, user }), t('rooms.invited', { user })).then((ok) => ok && setInvitee(''));
            }}
          >
            <label className="field grow">
              <span>{t('rooms.inviteUser')}</span>
              <input value={invitee} onChange={(e) => setInvitee(e.target.value)} maxLength={64} />
            </label>
            <button type="submit" className="small-button">
              {t('rooms.invite')}
            </button>
          </form>
        )}
        <h4 className="online-title">
          {t('rooms.members', { count: members?.length ?? room.members })}
        </h4>
        <ul className="member-list" data-testid="member-list">
          {members?.map((m) => {
            const self = m.user.toLowerCase() === me.toLowerCase();
            const muted = m.muted_until !== null;
            return (
              <li key={m.user} className="member" data-user={m.user}>
                <span className="avatar" aria-hidden="true" style={{ '--hue': nameHue(m.user) } as React.CSSProperties}>
                  {initial(m.user)}
                  <span className={`presence-dot ${m.online ? 'on' : 'off'}`} />
                </span>
                <span className="member-name">
                  {self ? (
                    m.user
                  ) : (
                    <button type="button" className="link-button member-chat" title={t('people.openChat', { user: m.user })} onClick={() => onOpenChat(`@${m.user}`)}>
                      {m.user}
                    </button>
                  )}
                  {self && <span className="tag">{t('online.you')}</span>}
                  {m.owner && <span className="tag admin">{t('rooms.owner')}</span>}
                  {muted && <span className="tag warn">{t('rooms.mutedTag')}</span>}
                  <span className="sr-only">{m.online ? t('rooms.online') : t('rooms.offline')}</span>
                </span>
                {manage && !self && !m.owner && (
                  <span className="member-actions">
                    {muted ? (
                      <button type="button" className="small-button" onClick={() => void run(() => store.session.request('room_unmute', { room: name, user: m.user }), t('rooms.unmuted', { user: m.user }))}>
                        {t('rooms.unmute')}
                      </button>
                    ) : (
                      <button type="button" className="small-button" onClick={() => muteAsked(m.user)}>
                        {t('rooms.mute')}
                      </button>
                    )}
                    <button type="button" className="small-button" onClick={() => setConfirm({ text: t('rooms.ownerConfirm', { user: m.user, room: name }), action: t('rooms.makeOwner'), run: () => run(() => store.session.request('owner', { room: name, user: m.user }), t('rooms.ownerDone', { user: m.user })).then(() => undefined) })}>
                      {t('rooms.makeOwner')}
                    </button>
                    <button type="button" className="small-button danger" onClick={() => setConfirm({ text: t('rooms.removeConfirm', { user: m.user, room: name }), action: t('rooms.remove'), danger: true, run: () => run(() => store.session.request('remove', { room: name, user: m.user }), t('rooms.removed', { user: m.user })).then(() => undefined) })}>
                      {t('rooms.remove')}
                    </button>
                  </span>
                )}
              </li>
            );
          })}
        </ul>
        <div className="confirm-actions">
          <button type="button" className="danger-button" onClick={() => setConfirm({ text: t('rooms.leaveConfirm', { room: name }), action: t('rooms.leave'), danger: true, run: () => run(() => store.session.leave(name), t('rooms.left', { room: name })).then((ok) => {
                if (ok) onClose();
              }) })}>
            {t('rooms.leave')}
          </button>
        </div>
      </div>
      <ConfirmDialog confirm={confirm} onClose={() => setConfirm(undefined)} />
    </Modal>
  );
}
