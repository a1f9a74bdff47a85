import { byId, setText } from "../shared/dom";
import { manifestPath, streamNameFromLocation } from "../shared/stream-name";
import { isFullscreen, toggleFullscreen } from "./fullscreen";
import { LatencyReadout } from "./latency-readout";
import { shortLevelLabel } from "./level-label";
import { PlaybackControls } from "./playback-controls";
import { LivePlayer, type PlayerStatus } from "./player";
import { exposePlayerState } from "./player-state";
import { QualityMenu } from "./quality-menu";
import { overlayContent, StatusOverlay } from "./status-overlay";

/** Within this many seconds beyond the target latency, the badge says "live" rather than "jump to live". */
const LIVE_EDGE_SLACK_S = 1.5;

const STATE_LABELS: Record<PlayerStatus["state"], string> = {
  loading: "Connecting",
  playing: "Live",
  offline: "Offline",
  reconnecting: "Reconnecting",
  ended: "Ended",
};

function main(): void {
  const video = byId("video", HTMLVideoElement);
  const box = byId("player", HTMLElement);
  const overlayRoot = byId("overlay", HTMLElement);
  const title = byId("stream-title", HTMLElement);
  const stateBadge = byId("stream-state", HTMLElement);

  const stream = streamNameFromLocation(location.pathname, location.search);
  const overlay = new StatusOverlay(overlayRoot, () => void video.play().catch(() => undefined));
  if (stream === null) {
    setText(title, "No stream selected");
    overlay.render({
      card: true,
      spinner: false,
      title: "No stream in this address",
      detail: "Watch pages live at /watch/{stream}. Pick a stream from the list.",
      playButton: false,
      listLink: true,
      tone: "muted",
    });
    return;
  }

  document.title = `${stream} · Tributary`;
  setText(title, stream);
  video.muted = true;
  if (!LivePlayer.isSupported()) {
    overlay.render({
      card: true,
      spinner: false,
      title: "This browser cannot play live streams",
      detail: "It lacks Media Source Extensions. Try a current Chrome, Firefox, Edge or Safari (iOS 17.1 or later).",
      playButton: false,
      listLink: true,
      tone: "muted",
    });
    return;
  }

  let render = (): void => undefined;
  const player = new LivePlayer({ video, manifestUrl: manifestPath(stream), onUpdate: () => render() });

  const quality = new QualityMenu(byId("quality", HTMLSelectElement), (index) => player.selectLevel(index));
  const readout = new LatencyReadout(byId("latency", HTMLElement));
  const controls = new PlaybackControls(
    {
      play: byId("play", HTMLButtonElement),
      mute: byId("mute", HTMLButtonElement),
      unmuteHint: byId("unmute-hint", HTMLButtonElement),
      live: byId("live", HTMLButtonElement),
      fullscreen: byId("fullscreen", HTMLButtonElement),
    },
    {
      togglePlay: () => {
        if (video.paused) player.goLive();
        else video.pause();
      },
      toggleMute: () => {
        video.muted = !video.muted;
        if (!video.muted && video.volume === 0) video.volume = 1;
      },
      goLive: () => player.goLive(),
      toggleFullscreen: () => toggleFullscreen(box, video),
    },
  );

  render = () => {
    const status = player.status;
    const now = performance.now();
    overlay.render(overlayContent(status, now));
    const levels = player.levels;
    const currentLevel = player.currentLevel;
    quality.render({ levels, autoLevel: player.autoLevel, currentLevel });
    const latency = player.latency;
    readout.render({ latency, level: shortLevelLabel(levels[currentLevel]), playbackRate: video.playbackRate });
    const target = player.targetLatency;
    const playing = status.state === "playing";
    controls.render({
      paused: video.paused,
      muted: video.muted,
      playing,
      atLiveEdge: playing && !video.paused && (latency === null || target === null || latency <= target + LIVE_EDGE_SLACK_S),
      fullscreen: isFullscreen(video),
    });
    setText(stateBadge, STATE_LABELS[status.state]);
    stateBadge.dataset.state = status.state;
  };

  for (const event of ["play", "pause", "volumechange", "ratechange"]) video.addEventListener(event, () => render());
  document.addEventListener("fullscreenchange", () => render());
  document.addEventListener("keydown", (event) => {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "m") video.muted = !video.muted;
    else if (event.key === "f") toggleFullscreen(box, video);
    else return;
    event.preventDefault();
  });

  exposePlayerState(window, () => ({
    state: player.state,
    levels: player.levels.length,
    currentLevel: player.currentLevel,
    latency: player.latency,
    currentTime: player.currentTime,
    fatalErrors: player.fatalErrors,
    stalls: player.stalls,
  }));

  window.addEventListener("pagehide", () => player.close());
  // Back from the back-forward cache with a closed player: start over.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) location.reload();
  });
  player.start();
  render();
}

main();
