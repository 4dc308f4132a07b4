/** Where the hand tracker's files are served (web/plugins/mediapipe-hands.ts), e.g. "/mediapipe/hands-0.4.x/". */
declare const __MEDIAPIPE_HANDS_DIR__: string;
