import { lazy, Suspense } from 'react';
import type { FunApi } from '../../app/fun-api';
import { useFunT } from '../i18n';
import { SnakeGame } from '../snake/SnakeGame';
import { Modal } from '../ui/Modal';

// The hand tracking part loads only when Camera Snake starts.
const CameraSnake = lazy(() => import('../hands/CameraSnake').then((m) => ({ default: m.CameraSnake })));

export type GameId = 'snake' | 'camera';

export function GameDialog(props: { api: FunApi; game: GameId; onClose: () => void }) {
  const t = useFunT();
  return (
    <Modal title={props.game === 'camera' ? t('game.cameraSnake') : t('game.snake')} onClose={props.onClose} className="fun-game" wide>
      {props.game === 'camera' ? (
        <Suspense fallback={<p className="fun-muted">{t('game.loadingHands')}</p>}>
          <CameraSnake api={props.api} />
        </Suspense>
      ) : (
        <SnakeGame api={props.api} game="snake" />
      )}
    </Modal>
  );
}
