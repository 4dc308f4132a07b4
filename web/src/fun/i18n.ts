import i18next from 'i18next';
import { useTranslation } from 'react-i18next';

const en = {
  tools: 'Camera, voice, screenshots, music and games', camera: 'Camera', mic: 'Voice message', screenshot: 'Screenshot', music: 'Music', games: 'Games', close: 'Close',
  cam: {
    title: 'Selfie', choose: 'Camera', hint: 'Space, Q or a click takes the picture', capture: 'Take picture',
    send: 'Send', save: 'Save', retake: 'Retake', starting: 'Starting the camera…', sending: 'Sending…',
  },
  err: {
    unsupported_camera: 'This browser cannot use a camera here (it needs HTTPS or localhost, and a recent browser).',
    unsupported_mic: 'This browser cannot record sound here (it needs HTTPS or localhost, and a recent browser).',
    unsupported_screen: 'This browser cannot capture the screen.',
    denied_camera: 'Camera access was refused. Allow it in the site settings of your browser, then try again.',
    denied_mic: 'Microphone access was refused. Allow it in the site settings of your browser, then try again.',
    denied_screen: 'Screen capture was cancelled or refused.',
    missing_camera: 'No camera was found.',
    missing_mic: 'No microphone was found.',
    busy_camera: 'The camera is in use by another program.',
    busy_mic: 'The microphone is in use by another program.',
    other: 'It did not work: {{message}}',
  },
  voice: {
    record: 'Record a voice message (press, or hold and release to send)', recording: 'Recording', stop: 'Send', cancel: 'Cancel',
    hint: 'Esc or moving away cancels', uploading: 'Sending voice message…', sent: 'Voice message sent',
    failed: 'The voice message was not sent: {{error}}', retry: 'Retry', save: 'Save', discard: 'Discard',
    unsaved: 'A voice message has not been sent yet.', play: 'Play', pause: 'Pause', loading: 'Loading…', cannotDecode: 'This recording cannot be shown here.',
    cap: 'The recording stopped at the {{max}} limit.', restored: 'it was not sent before the page closed',
    wasFor: '(It was recorded for {{conv}}.)', sendHere: 'Send to {{conv}}',
  },
  shot: {
    window: 'Chat window', screen: 'Full screen…', gallery: 'Snapshots', saved: 'Saved to Snapshots', failed: 'The screenshot failed: {{error}}',
    empty: 'No snapshots yet. Take one from the Screenshot menu.', send: 'Send', download: 'Download', delete: 'Delete', noWindow: 'There is no chat window to capture.',
    unavailable: 'Snapshots need IndexedDB, which this browser does not offer here.',
  },
  musicp: {
    title: 'Music', play: 'Play', pause: 'Pause', next: 'Next', prev: 'Previous', volume: 'Volume', rendering: 'Preparing…',
    noAudio: 'This browser has no Web Audio: the built-in tracks cannot play.', playInPlayer: 'Play in the music player', credit: 'Original tracks written for Banter, CC0',
  },
  game: {
    snake: 'Snake', cameraSnake: 'Camera Snake', score: 'Score {{score}}', best: 'Best {{best}}', paused: 'Paused (Space to go on)',
    ready: 'Arrows or WASD to start', over: 'Game over: {{score}} points', overWall: 'Hit the wall', overSelf: 'Bit itself',
    again: 'Play again', post: 'Post score', posted: 'Score posted', postText: '🐍 I scored {{score}} in {{game}}!',
    loadingHands: 'Loading the hand tracker…', showHand: 'Show your hand: the index fingertip steers (keys work too)', tracking: 'Fingertip steers',
    handsFailed: 'The hand tracker could not start ({{error}}): use the keys.', noCamera: 'Use the keys.', fps: '{{fps}} frames/s',
  },
};

type Strings = typeof en;

const zh: Strings = {
  tools: '相机、语音、截图、音乐和游戏', camera: '相机', mic: '语音消息', screenshot: '截图', music: '音乐', games: '游戏', close: '关闭',
  cam: { title: '自拍', choose: '相机', hint: '空格、Q 或点击拍照', capture: '拍照', send: '发送', save: '保存', retake: '重拍', starting: '正在打开相机…', sending: '正在发送…' },
  err: {
    unsupported_camera: '此浏览器无法在这里使用相机（需要 HTTPS 或 localhost 以及较新的浏览器）。',
    unsupported_mic: '此浏览器无法在这里录音（需要 HTTPS 或 localhost 以及较新的浏览器）。',
    unsupported_screen: '此浏览器无法截取屏幕。',
    denied_camera: '相机权限被拒绝。请在浏览器的网站设置中允许后重试。',
    denied_mic: '麦克风权限被拒绝。请在浏览器的网站设置中允许后重试。',
    denied_screen: '屏幕截取被取消或拒绝。',
    missing_camera: '没有找到相机。', missing_mic: '没有找到麦克风。',
    busy_camera: '相机正被其他程序使用。', busy_mic: '麦克风正被其他程序使用。',
    other: '操作失败：{{message}}',
  },
  voice: {
    record: '录制语音消息（点击，或按住后松开发送）', recording: '录音中', stop: '发送', cancel: '取消', hint: 'Esc 或移开即取消',
    uploading: '正在发送语音消息…', sent: '语音消息已发送', failed: '语音消息未发送：{{error}}', retry: '重试', save: '保存', discard: '丢弃',
    unsaved: '有一条语音消息尚未发送。', play: '播放', pause: '暂停', loading: '加载中…', cannotDecode: '无法在此显示该录音。', cap: '录音已达到 {{max}} 上限并停止。', restored: '页面关闭前未能发送', wasFor: '（原本发给 {{conv}}。）', sendHere: '发送到 {{conv}}',
  },
  shot: {
    window: '聊天窗口', screen: '全屏…', gallery: '截图库', saved: '已保存到截图库', failed: '截图失败：{{error}}',
    empty: '还没有截图。请从截图菜单截取。', send: '发送', download: '下载', delete: '删除', noWindow: '没有可截取的聊天窗口。',
    unavailable: '截图库需要 IndexedDB，此浏览器在这里不提供。',
  },
  musicp: {
    title: '音乐', play: '播放', pause: '暂停', next: '下一首', prev: '上一首', volume: '音量', rendering: '准备中…',
    noAudio: '此浏览器没有 Web Audio，无法播放内置曲目。', playInPlayer: '在音乐播放器中播放', credit: '为 Banter 原创的曲目，CC0',
  },
  game: {
    snake: '贪吃蛇', cameraSnake: '体感贪吃蛇', score: '得分 {{score}}', best: '最高 {{best}}', paused: '已暂停（按空格继续）',
    ready: '按方向键或 WASD 开始', over: '游戏结束：{{score}} 分', overWall: '撞墙了', overSelf: '咬到自己了',
    again: '再玩一次', post: '发布得分', posted: '得分已发布', postText: '🐍 我在{{game}}中得了 {{score}} 分！',
    loadingHands: '正在加载手部追踪…', showHand: '请伸出手：食指指尖控制方向（键盘也可以）', tracking: '指尖控制中',
    handsFailed: '手部追踪无法启动（{{error}}）：请使用键盘。', noCamera: '请使用键盘。', fps: '每秒 {{fps}} 帧',
  },
};

/** Both languages, for the test that keeps them in step. */
export const FUN_STRINGS = { en, zh };

let added = false;
function addStrings(): void {
  if (added) return;
  added = true;
  i18next.addResourceBundle('en', 'fun', en, true, true);
  i18next.addResourceBundle('zh', 'fun', zh, true, true);
}

/** The fun features' strings (namespace `fun`), English and Chinese. */
export function useFunT() {
  addStrings();
  return useTranslation('fun').t;
}

/** For code outside components (errors, toasts). */
export function funT(key: string, options?: Record<string, unknown>): string {
  addStrings();
  return i18next.t(key, { ns: 'fun', ...options });
}
